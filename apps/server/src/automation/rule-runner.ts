import {
  conditionHolds,
  dateOccurrencesBetween,
  eachOf,
  planActions,
  type ConditionContext,
  type PlannedAction,
  type Rule,
} from '@trellis/rule-engine'
import type { DynamicDb } from '../db/dynamic.js'
import { AppError } from '../http/errors.js'
import { RecordReader } from '../records/record-reader.js'
import type { AddressPolicy } from './address-policy.js'
import type { Clock } from './clock.js'
import { applyEffects, markCause } from './effects.js'
import type { FlowStarts } from './flow-starts.js'
import { FencedError, type Job, type JobStore } from './job-store.js'
import type { NotificationChannel } from './notification-channel.js'
import { RuleCatalog, type AppRules, type CatalogSnapshot } from './rule-catalog.js'
import { logRun, type RunOutcome } from './run-log.js'
import { deliverWebhook } from './webhook.js'
import { matchingRecordIds } from './record-query.js'
import {
  aggregatesOf,
  computeAggregates,
  eachIdOf,
  recordsMatching,
  withAggregates,
  type AggregateBatch,
} from './rule-aggregates.js'
import { eachRecordOf, eachTargets, withEach } from './rule-each.js'

export interface RunnerDeps {
  db: DynamicDb
  jobs: JobStore
  clock: () => Clock
  channel: NotificationChannel
  policy: AddressPolicy
  webhookSecret: string | undefined
  /** Flows, once the flows module has registered itself (record-event starts, `start_flow`). */
  flows?: () => FlowStarts | undefined
}

export type JobResult = 'done' | 'retry' | 'dead' | 'fenced'

/** Finishes a job without side effects (nothing to do), logging why, fenced like any completion. */
async function finish(deps: RunnerDeps, job: Job, outcome: RunOutcome, detail?: unknown): Promise<JobResult> {
  const now = deps.clock().now()
  try {
    await deps.db.transaction().execute(async (trx) => {
      await deps.jobs.complete(trx, job, now)
      await logRun(trx, {
        ...runOf(job),
        outcome,
        ...(detail === undefined ? {} : { effects: detail }),
        at: now,
      })
    })
    return 'done'
  } catch (error) {
    if (error instanceof FencedError) return 'fenced'
    throw error
  }
}

function runOf(job: Job) {
  return {
    jobId: job.id,
    app: job.app_key,
    rule: job.rule_key,
    recordId: job.record_id,
    occurrence: job.occurrence,
    attempt: job.attempt,
    depth: job.depth,
  }
}

/** Runs one claimed job: check the rule, the record and the condition, then carry out the actions. */
export async function runJob(
  deps: RunnerDeps,
  job: Job,
  snapshot: CatalogSnapshot,
  aggregates?: AggregateBatch,
): Promise<JobResult> {
  try {
    if (job.attempt > job.max_attempts)
      return await giveUp(deps, job, { code: 'LEASE_LAPSED', message: 'Claims kept lapsing' })
    const rules = await snapshot.get(job.app_key)
    const entry = rules?.rules.get(job.rule_key)
    if (!rules || !RuleCatalog.runnable(entry))
      return await finish(deps, job, 'skipped', { reason: 'RULE_NOT_ACTIVE' })
    return await execute(deps, job, rules, entry.rule, aggregates)
  } catch (error) {
    if (error instanceof FencedError) return 'fenced'
    return fail(deps, job, error)
  }
}

async function execute(
  deps: RunnerDeps,
  job: Job,
  rules: AppRules,
  rule: Rule,
  batch?: AggregateBatch,
): Promise<JobResult> {
  const now = deps.clock().now()
  const trigger = rule.trigger
  const formKey = 'form' in trigger ? trigger.form : undefined
  const payload = job.payload as {
    event?: {
      before?: Record<string, unknown>
      after?: Record<string, unknown>
      changed?: string[]
      kind?: string
    }
    checked?: boolean
  }
  let context: ConditionContext = { now, timeZone: rules.timeZone }
  const aggregates = aggregatesOf(rule)
  const each = eachOf(rule)

  if (trigger.kind === 'cron' && formKey && job.record_id === null && each) {
    // Once per record of the each form: its id is part of the occurrence, so of the idempotency key.
    const { targets, eachRecords } = await eachTargets(deps.db, rules.app, rule, each, formKey, context)
    const fresh = await deps.jobs.enqueue(
      deps.db,
      targets.map((target) => ({
        app: job.app_key,
        rule: job.rule_key,
        recordId: target.id,
        occurrence: `${job.occurrence}/${each.as}:${target.each}`,
        dueAt: now,
        payload: { each: target.each },
      })),
      now,
    )
    return finish(deps, job, 'fanned_out', { records: targets.length, each: eachRecords, enqueued: fresh })
  }

  if (trigger.kind === 'cron' && formKey && job.record_id === null) {
    // A schedule over a form fans out to one job per matching record, each with its own idempotency key.
    // With aggregates, pages of records are checked in JS with theirs; only matching records get a job.
    const ids = aggregates
      ? await recordsMatching(deps.db, rules.app, rule, formKey, context)
      : await matchingRecordIds(deps.db, rules.app, formKey, rule.condition, context)
    const fresh = await deps.jobs.enqueue(
      deps.db,
      ids.map((id) => ({
        app: job.app_key,
        rule: job.rule_key,
        recordId: id,
        occurrence: job.occurrence,
        dueAt: now,
      })),
      now,
    )
    return finish(deps, job, 'fanned_out', { records: ids.length, enqueued: fresh })
  }

  let record: Record<string, unknown> = {}
  if (payload.event?.kind === 'deleted') {
    record = payload.event.before ?? {}
  } else if (formKey && job.record_id) {
    try {
      record = await new RecordReader(rules.app, rules.app.form(formKey)).get(deps.db, job.record_id)
    } catch (error) {
      if (error instanceof AppError && error.code === 'RECORD_NOT_FOUND')
        return finish(deps, job, 'skipped', { reason: 'RECORD_GONE' })
      throw error
    }
  }
  if (trigger.kind === 'date' && job.occurrence.startsWith('date:')) {
    // The anchor may have moved since the job was armed (a new purchase): then this occurrence is stale.
    // A run asked for by hand (`manual:…`) has no occurrence to go stale: it runs now.
    const dueMs = new Date(job.due_at).getTime()
    const still = dateOccurrencesBetween(trigger, record[trigger.field], dueMs - 1, dueMs, rules.timeZone)
    if (!still.some((o) => `date:${o.occurrence}` === job.occurrence))
      return finish(deps, job, 'skipped', { reason: 'ANCHOR_MOVED' })
  }
  if (payload.event)
    Object.assign(context, {
      before: payload.event.before ?? {},
      after: payload.event.after ?? {},
      changed: payload.event.changed ?? [],
    })
  const eachId = eachIdOf(job.payload)
  if (each) {
    const found = await eachRecordOf(deps.db, rules.app, each, eachId, context)
    if ('reason' in found) return finish(deps, job, 'skipped', { reason: found.reason })
    context = withEach(context, each, found.record)
  }
  if (aggregates && formKey && job.record_id) {
    // Computed for the whole claimed batch of this rule (and each record) in one statement, or for this record.
    const values = batch
      ? await batch.get(rules.app, rule, job.record_id, context, each ? eachId : undefined)
      : (await computeAggregates(deps.db, rules.app, rule, [job.record_id], context)).get(job.record_id)
    context = withAggregates(context, values)
  }
  if (!payload.checked && !conditionHolds(rule, record, context)) return finish(deps, job, 'condition_false')

  const plan = planActions(rule, record, context)
  const external = await callWebhooks(deps, job, plan)
  return deps.db.transaction().execute(async (trx) => {
    await deps.jobs.complete(trx, job, now)
    await markCause(trx, { app: job.app_key, rule: job.rule_key, job: job.id, depth: job.depth + 1 })
    const effects = await applyEffects(trx, plan, {
      app: rules.app,
      form: formKey,
      recordId: job.record_id,
      rule: job.rule_key,
      jobId: job.id,
      channel: deps.channel,
      now,
      external,
      ...(deps.flows?.() ? { flows: deps.flows()! } : {}),
    })
    await logRun(trx, { ...runOf(job), outcome: 'succeeded', effects, at: now })
    return 'done' as const
  })
}

/**
 * Webhooks leave the database, so they cannot share its transaction: they are sent first, once the
 * claim is confirmed, and a retry resends them with the same Idempotency-Key (at-least-once delivery).
 */
async function callWebhooks(
  deps: RunnerDeps,
  job: Job,
  plan: readonly PlannedAction[],
): Promise<Map<number, unknown>> {
  const results = new Map<number, unknown>()
  const hooks = plan.filter((p) => p.effect.kind === 'webhook')
  if (!hooks.length) return results
  if (!(await deps.jobs.holds(job))) throw new FencedError(`Job ${job.id} lost its claim`)
  for (const { index, effect } of hooks) {
    if (effect.kind !== 'webhook') continue
    const body = {
      app: job.app_key,
      rule: job.rule_key,
      record: job.record_id,
      occurrence: job.occurrence,
      data: effect.body,
    }
    const result = await deliverWebhook(
      {
        url: effect.url,
        body,
        headers: effect.headers,
        timeoutMs: effect.timeoutMs,
        idempotencyKey: job.idem_key,
      },
      deps.policy,
      deps.webhookSecret,
      deps.clock().now(),
    )
    results.set(index, { status: result.status, url: result.url })
  }
  return results
}

function errorJson(error: unknown): { code: string; message: string; path?: string } {
  if (error instanceof Error) {
    const e = error as Error & { code?: unknown; path?: unknown }
    return {
      code: typeof e.code === 'string' ? e.code : 'RULE_FAILED',
      message: e.message,
      ...(typeof e.path === 'string' ? { path: e.path } : {}),
    }
  }
  return { code: 'RULE_FAILED', message: String(error) }
}

async function fail(deps: RunnerDeps, job: Job, error: unknown): Promise<JobResult> {
  const now = deps.clock().now()
  const detail = errorJson(error)
  try {
    return await deps.db.transaction().execute(async (trx) => {
      const state = await deps.jobs.fail(trx, job, detail, now)
      await logRun(trx, {
        ...runOf(job),
        outcome: state === 'dead' ? 'dead' : 'failed',
        error: detail,
        at: now,
      })
      return state === 'dead' ? ('dead' as const) : ('retry' as const)
    })
  } catch (inner) {
    if (inner instanceof FencedError) return 'fenced'
    throw inner
  }
}

async function giveUp(
  deps: RunnerDeps,
  job: Job,
  detail: { code: string; message: string },
): Promise<JobResult> {
  return fail(
    deps,
    { ...job, attempt: job.attempt },
    Object.assign(new Error(detail.message), { code: detail.code }),
  )
}
