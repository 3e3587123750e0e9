import { advance, type FlowEvent, type FlowState } from '@trellis/flow-engine'
import type { Kysely } from 'kysely'
import type { AppService } from '../apps/app-service.js'
import type { PublishedApp } from '../apps/published-app.js'
import type { DynamicDb } from '../db/dynamic.js'
import { AppError } from '../http/errors.js'
import type { PlatformTables } from '../db/tables.js'
import type { Row } from '../records/record-json.js'
import { RecordWriter, type PreparedUpdate } from '../records/record-store.js'
import { WriteBatcher } from '../records/write-batcher.js'
import { instanceInput, startInstanceWith, type Started, type StartRequest } from './flow-starts.js'
import { newInstance, type InstanceIds, type InstanceRow } from './instance-store.js'
import { flowWriteMany, writePayload, writtenOf, type InstanceWrite, type Step } from './instance-write.js'
import { ruleName, type ServiceActions } from './service-actions.js'

/** Starts written together at most (one transaction). */
const MAX_BATCH = 32

/** A start's answer: its instance, or its own error. */
type Outcome = { started: Started } | { error: unknown }

const outcomeOf = (started: Promise<Started>): Promise<Outcome> =>
  started.then(
    (done) => ({ started: done }),
    (error: unknown) => ({ error }),
  )

interface StartJob {
  request: StartRequest
  now: Date
}

/** A start the batch does not write as the lone start would: it goes alone, after the batch. */
class NotTogether extends Error {}

/** One start worked out in memory: its write and the record change its service task makes. */
interface Planned {
  write: InstanceWrite
  now: Date
  update?: { key: string; writer: RecordWriter; actor: string; prepared: PreparedUpdate }
}

/**
 * Group commit of manual starts (`FlowService.start`). Starts submitted together (one event-loop turn, see
 * `WriteBatcher`) go together in ONE transaction: their records read by one query per form, the record
 * changes of their service tasks written by one statement per form (with their audit entries and events),
 * and the instances with their effects by one `flow_write` call — instead of a transaction of five
 * statements each. Two batches may be in flight at once: a batch is a chain of round trips, and with one at
 * a time the flows benchmark left a quarter of the CPU idle (about 940 → 1,040 instances/s with two). When
 * two batches meet on a record, the later one fails (the record changed under it, or a deadlock) and its
 * starts go alone, as below.
 * Every instance is still written in the same transaction as its effects and its service action (whose
 * `flow_actions` row, once per node visit, is part of its write).
 *
 * Only starts whose every service action changes just the start's own record (set fields, tags), each
 * record once per batch, are written together; any other start — another kind of action, a second
 * action, an action that fails, a second start on the same record — goes alone right after the batch,
 * as a lone start would (and sees the batch's changes). An error in the batch's transaction (a record
 * changed meanwhile, say) rolls it back and every start of it is made again alone, so each caller gets
 * what a lone start gives: its own instance, or its own error.
 */
export class StartBatch {
  private readonly batcher = new WriteBatcher<StartJob, Outcome>(2, MAX_BATCH)

  constructor(
    private readonly db: DynamicDb,
    private readonly apps: AppService,
    private readonly actions: ServiceActions,
    private readonly ids: InstanceIds,
  ) {}

  /** Starts one instance (no start key), answering with its row and its tasks and steps. */
  async start(request: StartRequest, now: Date): Promise<Started> {
    if (this.db.isTransaction || request.startKey) return this.alone({ request, now })
    const outcome = await this.batcher.submit(
      'start',
      { request, now },
      (jobs) => this.together(jobs),
      (job) => outcomeOf(this.alone(job)),
    )
    if ('error' in outcome) throw outcome.error
    return outcome.started
  }

  private async alone({ request, now }: StartJob): Promise<Started> {
    return (await startInstanceWith(this.db, request, now, this.actions, { ids: this.ids, detail: true }))!
  }

  /**
   * The starts that can go together are written in one transaction; each other one (see `plan`) goes
   * alone after it, one after the other. An error before the commit throws (nothing was written: the
   * batcher makes every start again alone); after it, each start's own error is its answer.
   */
  private async together(jobs: StartJob[]): Promise<Outcome[]> {
    const rows = await Promise.all(
      jobs.map(({ request, now }) => newInstance(this.db, instanceInput(request, now), this.ids)),
    )
    const outcomes: Array<Outcome | undefined> = await this.db.transaction().execute(async (trx) => {
      // Through the transaction, as a service action reads it (see ServiceActions).
      const apps = new Map<string, PublishedApp>()
      for (const key of new Set(jobs.map((j) => j.request.app)))
        apps.set(key, await this.apps.requirePublished(key, trx as unknown as Kysely<PlatformTables>))
      const stored = await this.records(trx, jobs, apps)
      const records = new Set<string>()
      const planned: Array<Planned | undefined> = []
      for (const [i, job] of jobs.entries()) {
        const { request } = job
        // Each record once per batch: a second start on it goes alone, after, and sees the first's change.
        const record =
          request.form && request.recordId ? `${request.app}/${request.form}:${request.recordId}` : ''
        if (record && records.has(record)) {
          planned.push(undefined)
          continue
        }
        if (record) records.add(record)
        planned.push(await this.plan(trx, job, rows[i]!, apps.get(request.app)!, stored))
      }
      const groups = new Map<string, NonNullable<Planned['update']>[]>()
      for (const p of planned) {
        if (!p?.update) continue
        const { key, actor } = p.update
        const group = `${key.slice(0, key.lastIndexOf(':'))}\u0000${actor}`
        groups.set(group, [...(groups.get(group) ?? []), p.update])
      }
      for (const group of groups.values()) {
        const { writer, actor } = group[0]!
        await writer.updateMany(
          trx,
          group.map((u) => u.prepared),
          { actor },
        )
      }
      const written = planned.filter((p): p is Planned => p !== undefined)
      const answers = written.length
        ? await flowWriteMany(
            trx,
            written.map((p) => writePayload([p.write], p.now)),
          )
        : []
      const byRow = new Map(written.map((p, i) => [p.write.row.id, answers[i]!]))
      return planned.map((p): Outcome | undefined => {
        if (!p) return undefined
        const { write, now } = p
        const { written, detail } = writtenOf([write], byRow.get(write.row.id)!, now, { detail: true })
        if (!written.has(write.row.id) || !detail) throw new Error(`Instance ${write.row.id} not written`)
        const { state } = write
        const row = { ...write.row, status: state.status, state, version: 1, updated_at: now }
        return { started: { row, detail } }
      })
    })
    const answered: Outcome[] = []
    for (const [i, outcome] of outcomes.entries())
      answered.push(outcome ?? (await outcomeOf(this.alone(jobs[i]!))))
    return answered
  }

  /** The start records of the batch, every field (as a service action reads them), by `app/form:id`. */
  private async records(
    trx: DynamicDb,
    jobs: StartJob[],
    apps: Map<string, PublishedApp>,
  ): Promise<Map<string, Row>> {
    const wanted = new Map<string, { app: PublishedApp; form: string; ids: string[] }>()
    for (const { request } of jobs) {
      if (!request.form || !request.recordId) continue
      const key = `${request.app}/${request.form}`
      const entry = wanted.get(key) ?? { app: apps.get(request.app)!, form: request.form, ids: [] }
      entry.ids.push(request.recordId)
      wanted.set(key, entry)
    }
    const found = new Map<string, Row>()
    for (const [key, { app, form, ids }] of wanted) {
      const rows = await new RecordWriter(app, app.form(form)).readMany(trx, ids)
      for (const [id, row] of rows) found.set(`${key}:${id}`, row)
    }
    return found
  }

  /** The start in memory, as `advanceInstance` works it out with its service actions (see `together`). */
  private async plan(
    trx: DynamicDb,
    job: StartJob,
    row: InstanceRow,
    app: PublishedApp,
    stored: Map<string, Row>,
  ): Promise<Planned | undefined> {
    try {
      return await this.planned(trx, job, row, app, stored)
    } catch (error) {
      // Anything the lone start handles otherwise (another kind of action, a second one, an action that
      // fails and becomes action_failed, a refused start) is left to it.
      if (error instanceof NotTogether || error instanceof AppError) return undefined
      throw error
    }
  }

  private async planned(
    trx: DynamicDb,
    job: StartJob,
    row: InstanceRow,
    app: PublishedApp,
    stored: Map<string, Row>,
  ): Promise<Planned> {
    const { request, now } = job
    const at = now.toISOString()
    const event: FlowEvent = {
      kind: 'start',
      at,
      instanceId: row.id,
      ...(request.record ? { record: request.record } : {}),
      ...(request.variables ? { variables: request.variables } : {}),
      ...(request.by ? { by: request.by } : {}),
    }
    const first = advance(row.definition, null, event)
    if (first.rejected) throw new NotTogether(first.rejected.message)
    const steps: Step[] = [{ event, actor: request.startedBy, effects: first.effects }]
    const actionStates = new Map<string, string>()
    let state: FlowState = first.state
    let update: Planned['update']
    const actions = first.effects.flatMap((e) => (e.kind === 'run_action' ? [e] : []))
    for (const effect of actions) {
      if (state.status !== 'running') continue
      // One action, planned on the record as read: a second one would plan on the first one's change.
      if (update || actionStates.size) throw new NotTogether('More than one action')
      const key = `${request.app}/${request.form}:${request.recordId}`
      const current = request.form && request.recordId ? stored.get(key) : undefined
      if (!current) throw new NotTogether('No record to act on')
      const change = this.actions.planRecordChange(app, { ...row, state }, effect, current, now)
      if (change === undefined) throw new NotTogether('Not a change of the record alone')
      if (change === null) continue
      if (change.updates) {
        const writer = new RecordWriter(app, app.form(request.form!))
        // A change the lone start would record as action_failed throws here: that start goes alone.
        const prepared = await writer.prepareUpdate(trx, current, change.updates)
        update = { key, writer, actor: `rule:${ruleName(row, effect)}`, prepared }
      }
      actionStates.set(effect.actionId, 'done')
      const done: FlowEvent = {
        kind: 'action_completed',
        result: change.result,
        at,
        actionId: effect.actionId,
      }
      const next = advance(row.definition, state, done)
      if (next.rejected) continue
      if (next.effects.some((e) => e.kind === 'run_action'))
        throw new NotTogether('An action after the action')
      steps.push({ event: done, actor: null, effects: next.effects })
      state = next.state
    }
    const write = { row, steps, state, actionStates, extras: { insert: true } }
    return { write, now, ...(update ? { update } : {}) }
  }
}
