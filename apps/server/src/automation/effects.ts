import { randomInt } from 'node:crypto'
import { sql } from 'kysely'
import type { PlannedAction } from '@trellis/rule-engine'
import type { PublishedApp } from '../apps/published-app.js'
import type { DynamicDb } from '../db/dynamic.js'
import { RecordWriter } from '../records/record-store.js'
import type { FlowStarts } from './flow-starts.js'
import { minePairs } from './mine-pairs.js'
import type { NotificationChannel } from './notification-channel.js'
import { scoreRfm } from './score-rfm.js'

export interface EffectTarget {
  app: PublishedApp
  form: string | undefined
  recordId: string | null
  rule: string
  /** The job being run; null when the outbox consumer runs the rule inline. */
  jobId: string | null
  channel: NotificationChannel
  now: Date
  /** Results of webhooks already delivered (before the transaction), by action index. */
  external: Map<number, unknown>
  /** The record's version when the caller read it in this transaction (saves a read). */
  version?: number
  /** Where `start_flow` goes (absent when no flows module is registered). */
  flows?: FlowStarts
  /**
   * What makes this run unique when there is no job (an inline run: `event:<outbox id>`; a service task:
   * `instance:<id>:<action>`): with the job id, the key under which `start_flow` starts at most once.
   */
  occurrence?: string
}

// No 0/O or 1/I: codes are read out over the phone and typed from a text message.
const codeAlphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789'

export function generateCode(prefix: string, length: number): string {
  let code = prefix
  for (let i = 0; i < length; i++) code += codeAlphabet[randomInt(codeAlphabet.length)]
  return code
}

/**
 * Carries out the planned actions inside the job's transaction: record changes (all `set_fields` and
 * tag changes merged into one update, so one version bump and one event), new records, stored messages.
 * Returns one result per action for the run log.
 */
export async function applyEffects(
  trx: DynamicDb,
  plan: readonly PlannedAction[],
  target: EffectTarget,
): Promise<unknown[]> {
  const ctx = { actor: `rule:${target.rule}` }
  const results: unknown[] = []
  const updates: Record<string, unknown> = {}
  let updateAt = -1
  const flowStarts: Array<{ index: number; at: number; flow: string; variables: Record<string, unknown> }> =
    []
  for (const { index, type, effect } of plan) {
    switch (effect.kind) {
      case 'update_record':
        Object.assign(updates, effect.values)
        if (updateAt < 0) updateAt = results.length
        results.push({ action: index, type, values: effect.values })
        break
      case 'create_record': {
        const form = target.app.form(effect.form)
        const writer = new RecordWriter(target.app, form)
        const values = { ...effect.values }
        for (const [field, spec] of Object.entries(effect.codes))
          values[field] = generateCode(spec.prefix, spec.length)
        const created = await writer.create(
          trx,
          writer.prepareCreate(values, `actions.${index}.values.`),
          ctx,
        )
        results.push({ action: index, type, form: effect.form, id: created.id, values })
        break
      }
      case 'message': {
        const delivered = await target.channel.deliver(
          trx,
          {
            app: target.app.key,
            rule: target.rule,
            recordId: target.recordId,
            jobId: target.jobId,
            channel: effect.channel,
            to: effect.to,
            ...(effect.subject === undefined ? {} : { subject: effect.subject }),
            body: effect.body,
            locale: effect.locale,
            marketing: effect.marketing,
          },
          target.now,
        )
        results.push({
          action: index,
          type,
          channel: effect.channel,
          message: delivered.id,
          status: delivered.status,
        })
        break
      }
      case 'skip':
        results.push({ action: index, type, skipped: effect.reason, message: effect.message })
        break
      case 'webhook':
        results.push({ action: index, type, ...(target.external.get(index) as object) })
        break
      case 'score_rfm': {
        const scoring = await scoreRfm(trx, target.app, effect.config, {
          now: target.now,
          events: true,
          timeZone: target.app.definition.timeZone ?? 'Asia/Shanghai',
        })
        results.push({ action: index, type, ...scoring })
        break
      }
      case 'mine_pairs': {
        const mining = await minePairs(trx, target.app, effect.config, { now: target.now, actor: ctx.actor })
        results.push({ action: index, type, ...mining })
        break
      }
      case 'start_flow':
        // Started after the record update below, so the flow sees the record as the rule left it.
        flowStarts.push({ index, at: results.length, flow: effect.flow, variables: effect.variables })
        results.push(null)
        break
    }
  }
  if (updateAt >= 0) {
    if (!target.form || !target.recordId) throw new Error('set_fields needs a record')
    const form = target.app.form(target.form)
    const writer = new RecordWriter(target.app, form)
    const version = target.version ?? Number((await writer.read(trx, target.recordId)).version)
    await writer.update(trx, target.recordId, version, updates, ctx)
  }
  for (const start of flowStarts) {
    if (!target.flows) throw new Error('Flows are not available on this server')
    const run = target.jobId ? `job:${target.jobId}` : target.occurrence
    const started = await target.flows.startForRule(
      trx,
      {
        app: target.app,
        flow: start.flow,
        form: target.form,
        recordId: target.recordId,
        variables: start.variables,
        ...(run ? { startKey: `rule:${target.rule}:${run}:${start.index}` } : {}),
        actor: ctx.actor,
      },
      target.now,
    )
    results[start.at] = { action: start.index, type: 'start_flow', flow: start.flow, ...started }
  }
  return results
}

/**
 * A plan whose every effect is a record change or a skip, as the one merged update `applyEffects` would
 * write and the run-log results it would return; undefined when anything else is planned.
 */
export function recordOnlyEffects(
  plan: readonly PlannedAction[],
): { updates: Record<string, unknown> | undefined; results: unknown[] } | undefined {
  let updates: Record<string, unknown> | undefined
  const results: unknown[] = []
  for (const { index, type, effect } of plan) {
    if (effect.kind === 'update_record') {
      updates = Object.assign(updates ?? {}, effect.values)
      results.push({ action: index, type, values: effect.values })
    } else if (effect.kind === 'skip') {
      results.push({ action: index, type, skipped: effect.reason, message: effect.message })
    } else {
      return undefined
    }
  }
  return { updates, results }
}

/** Events written by this transaction carry the rule and depth (see migration 0003), for the loop guard. */
export async function markCause(
  trx: DynamicDb,
  cause: { app: string; rule: string; job: string | null; depth: number },
) {
  await sql`select set_config('trellis.rule_cause', ${JSON.stringify(cause)}, true)`.execute(trx)
}
