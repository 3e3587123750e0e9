import {
  conditionHolds,
  matchesRecordEvent,
  recordEventInput,
  type RecordEventKind,
  type Rule,
} from '@trellis/rule-engine'
import { sql } from 'kysely'
import type { PublishedApp } from '../apps/published-app.js'
import type { DynamicDb } from '../db/dynamic.js'
import { RecordReader } from '../records/record-reader.js'
import { markCause } from './effects.js'
import { InlineBatch } from './inline-batch.js'
import type { FlowStarts } from './flow-starts.js'
import type { JobStore, NewJob } from './job-store.js'
import type { NotificationChannel } from './notification-channel.js'
import { RuleCatalog, type CatalogSnapshot } from './rule-catalog.js'
import { logRuns, type RunEntry } from './run-log.js'
import { aggregatesOf } from './rule-aggregates.js'

const topics: Record<string, RecordEventKind> = {
  'record.created': 'created',
  'record.updated': 'updated',
  'record.deleted': 'deleted',
  // A restored record is back: rules listening for "created" see it again.
  'record.restored': 'created',
}

interface OutboxRow {
  id: string
  topic: string
  payload: {
    app: string
    form: string
    id: string
    before?: Record<string, unknown>
    after?: Record<string, unknown>
    changed?: string[]
    cause?: string
  }
  cause: { rule: string; depth: number } | null
}

/**
 * Turns record events from the transactional outbox into rule jobs. The batch is locked with SKIP
 * LOCKED (several processes share the work), the condition is evaluated on the event's own before/after
 * snapshot, matching rules become jobs, and the events are marked processed — all in one transaction,
 * so an event is turned into jobs exactly once even if the process dies half-way.
 */
export async function consumeOutbox(
  db: DynamicDb,
  jobs: JobStore,
  snapshot: CatalogSnapshot,
  now: Date,
  options: {
    batch: number
    maxDepth: number
    /**
     * Run rules whose actions stay inside the database right here, in the consumer's transaction: the
     * event is marked processed by the same commit, so the run still happens exactly once, without a job
     * row, a claim and a second transaction. Any error rolls the whole batch back; the caller then
     * consumes again without `inline`, which turns every match into a job (retries, dead letters).
     */
    inline?: { channel: NotificationChannel }
    /** Flows whose start listens to record events start here, in this transaction (exactly once). */
    flows?: FlowStarts
  },
): Promise<number> {
  return db.transaction().execute(async (trx) => {
    // Claimed and marked processed in one statement: the mark commits (or rolls back) with the whole batch.
    const { rows: claimed } = await sql<OutboxRow>`with c as (select id from trellis.outbox
        where processed_at is null order by id limit ${options.batch} for update skip locked)
      update trellis.outbox o set processed_at = ${now.toISOString()}::timestamptz from c where o.id = c.id
      returning o.id::text as id, o.topic, o.payload, o.cause`.execute(trx)
    const rows = claimed.sort((a, b) => a.id.length - b.id.length || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    if (!rows.length) return 0
    const pending: NewJob[] = []
    const logged: RunEntry[] = []
    const batch = options.inline ? new InlineBatch(trx, recordIdsByForm(rows)) : undefined
    for (const row of rows) {
      const kind = topics[row.topic]
      const rules = kind ? await snapshot.get(row.payload.app) : undefined
      if (!kind || !rules) continue
      const depth = row.cause?.depth ?? 0
      let event = {
        form: row.payload.form,
        kind,
        before: row.payload.before ?? null,
        after: row.payload.after ?? null,
        changed: row.payload.changed ?? [],
      }
      let complete = row.payload.cause !== 'rollup'
      for (const entry of rules.rules.values()) {
        if (!RuleCatalog.runnable(entry) || entry.rule.trigger.kind !== 'record') continue
        if (!matchesRecordEvent(entry.rule.trigger, event)) continue
        if (!complete) {
          // A rollup event carries only the rolled-up field: read the whole record once.
          await batch?.flush()
          const current = await readRecord(trx, rules.app, row.payload.form, row.payload.id)
          if (!current) break
          event = { ...event, before: { ...current, ...event.before }, after: current }
          complete = true
        }
        const input = recordEventInput(event)
        // A rule reading aggregates over related records checks its condition in its job, once they are computed.
        const deferred = aggregatesOf(entry.rule) !== undefined
        if (
          !deferred &&
          !conditionHolds(entry.rule, input.data, { ...input.context, now, timeZone: rules.timeZone })
        )
          continue
        const base = {
          app: row.payload.app,
          rule: entry.rule.key,
          recordId: row.payload.id,
          occurrence: `event:${row.id}`,
        }
        if (depth >= options.maxDepth) {
          logged.push({
            ...base,
            depth,
            outcome: 'loop_stopped',
            error: {
              code: 'RULE_LOOP',
              message: `Rule chain deeper than ${options.maxDepth} (last: ${row.cause?.rule})`,
            },
            at: now,
          })
          continue
        }
        if (options.inline && !deferred && runsInDatabase(entry.rule)) {
          const context = { ...input.context, now, timeZone: rules.timeZone }
          const done = await batch!.run(rules.app, entry.rule, row.payload, kind, event.before, context, {
            depth,
            channel: options.inline.channel,
            now,
            occurrence: base.occurrence,
            ...(options.flows ? { flows: options.flows } : {}),
          })
          logged.push({ ...base, depth, ...done, at: now })
          continue
        }
        pending.push({
          ...base,
          dueAt: now,
          depth,
          payload: {
            checked: !deferred,
            event: { kind, before: event.before, after: event.after, changed: event.changed },
          },
        })
      }
      if (options.flows?.listens(rules.app, row.payload.form)) {
        await batch?.flush()
        if (!complete) {
          const current = await readRecord(trx, rules.app, row.payload.form, row.payload.id)
          if (!current) continue
          event = { ...event, before: { ...current, ...event.before }, after: current }
          complete = true
        }
        const flowEvent = { ...event, eventId: row.id, recordId: row.payload.id }
        for (const flow of options.flows.matching(rules.app, flowEvent, now)) {
          const base = {
            app: row.payload.app,
            rule: `flow:${flow}`,
            recordId: row.payload.id,
            occurrence: `event:${row.id}`,
            depth,
            at: now,
          }
          if (depth >= options.maxDepth) {
            logged.push({
              ...base,
              outcome: 'loop_stopped',
              error: {
                code: 'RULE_LOOP',
                message: `Automation chain deeper than ${options.maxDepth} (last: ${row.cause?.rule})`,
              },
            })
            continue
          }
          // Records the flow writes at once (service tasks) carry the chain's depth, like a rule's.
          await markCause(trx, { app: row.payload.app, rule: `flow:${flow}`, job: null, depth: depth + 1 })
          const started = await options.flows.startOnEvent(trx, rules.app, flow, flowEvent, now)
          logged.push(
            'error' in started
              ? { ...base, outcome: 'failed', error: started.error }
              : {
                  ...base,
                  outcome: started.instanceId ? 'succeeded' : 'skipped',
                  effects: { instance: started.instanceId },
                },
          )
        }
      }
    }
    await batch?.flush()
    await jobs.enqueue(trx, pending, now)
    await logRuns(trx, logged)
    return rows.length
  })
}

async function readRecord(db: DynamicDb, app: PublishedApp, form: string, id: string) {
  try {
    return await new RecordReader(app, app.form(form)).get(db, id)
  } catch {
    return undefined
  }
}

/** Rules whose every action writes only to the database can run inside the consumer's transaction. */
function runsInDatabase(rule: Rule): boolean {
  return rule.actions.every((action) => action.type !== 'call_webhook')
}

/** The record ids of a batch's events by `app/form`, so the inline runs read them in one query per form. */
function recordIdsByForm(rows: readonly OutboxRow[]): Map<string, Set<string>> {
  const ids = new Map<string, Set<string>>()
  for (const row of rows) {
    if (topics[row.topic] === undefined || topics[row.topic] === 'deleted') continue
    const key = `${row.payload.app}/${row.payload.form}`
    if (!ids.has(key)) ids.set(key, new Set())
    ids.get(key)!.add(String(row.payload.id))
  }
  return ids
}
