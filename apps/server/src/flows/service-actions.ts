import type { RunActionEffect } from '@trellis/flow-engine'
import { planActions, type Rule } from '@trellis/rule-engine'
import { sql, type Kysely } from 'kysely'
import type { AppService } from '../apps/app-service.js'
import { applyEffects, recordOnlyEffects } from '../automation/effects.js'
import type { FlowStarts } from '../automation/flow-starts.js'
import { storedMessages, type NotificationChannel } from '../automation/notification-channel.js'
import type { DynamicDb } from '../db/dynamic.js'
import type { PlatformTables } from '../db/tables.js'
import type { PublishedApp } from '../apps/published-app.js'
import { rowToJson, type Row } from '../records/record-json.js'
import { RecordWriter } from '../records/record-store.js'
import type { InstanceRow } from './instance-store.js'

export type ActionOutcome =
  | { kind: 'action_completed'; result: unknown }
  | { kind: 'action_failed'; error: { code?: string; message: string } }

/**
 * An action threw while running without its savepoint (`guarded: false`): the caller's transaction is
 * spoiled, so the caller rolls it back and runs the event again with savepoints.
 */
export class ActionThrew extends Error {
  readonly code = 'FLOW_ACTION_THREW'
}

/**
 * Runs a service task's action with the rules' own planner and effect writer, inside the instance's
 * transaction (under a savepoint, so a failing action becomes `action_failed` instead of aborting the
 * state write). Webhooks leave the database and cannot share its transaction: they stay `pending` in
 * `flow_actions` and the instance waits (not delivered yet). The caller records the action's row (with
 * `done` or `failed`) in the same write as the state. Unguarded (the caller can redo its whole
 * transaction), no savepoint is taken and a failure throws `ActionThrew` instead.
 */
export class ServiceActions {
  channel: NotificationChannel = storedMessages
  /** Lets a service task start another flow (`start_flow`); set by FlowService. */
  flows: FlowStarts | undefined

  constructor(private readonly apps: AppService) {}

  async run(
    trx: DynamicDb,
    row: InstanceRow,
    effect: RunActionEffect,
    now: Date,
    guarded = true,
  ): Promise<ActionOutcome | undefined> {
    const action = effect.action as Rule['actions'][number]
    if (action.type === 'call_webhook') return undefined
    if (!guarded) {
      try {
        return await this.apply(trx, row, effect, action, now)
      } catch (error) {
        throw new ActionThrew(`Action ${effect.actionId} of instance ${row.id} failed`, { cause: error })
      }
    }
    await sql`savepoint flow_action`.execute(trx)
    try {
      const outcome = await this.apply(trx, row, effect, action, now)
      await sql`release savepoint flow_action`.execute(trx)
      return outcome
    } catch (error) {
      await sql`rollback to savepoint flow_action`.execute(trx)
      const e = error as { code?: unknown; message?: unknown }
      return {
        kind: 'action_failed',
        error: {
          ...(typeof e.code === 'string' ? { code: e.code } : {}),
          message: typeof e.message === 'string' ? e.message : String(error),
        },
      }
    }
  }

  /**
   * For starts written together (see `StartBatch`): the action planned on the instance's record as read
   * in the transaction (`stored`, every field), when all it does is change that record (set fields,
   * tags) — the changes to write (none: nothing changes) and the action's result, as `run` would write
   * and answer them. `null`: it calls a webhook (left pending, as `run` leaves it). `undefined`: it does
   * anything else, so it is run by `run`.
   */
  planRecordChange(
    app: PublishedApp,
    row: InstanceRow,
    effect: RunActionEffect,
    stored: Row,
    now: Date,
  ): { updates: Record<string, unknown> | undefined; result: unknown } | null | undefined {
    const action = effect.action as Rule['actions'][number]
    if (action.type === 'call_webhook') return null
    const plan = planOf(app, row, effect, rowToJson(stored, app.form(row.record_form!)), now)
    if (plan.some((p) => p.effect.kind === 'webhook')) return null
    const simple = recordOnlyEffects(plan)
    return simple && { updates: simple.updates, result: simple.results[0] ?? null }
  }

  /** Plans and writes the action; undefined when it turns out to call a webhook (nothing written). */
  private async apply(
    trx: DynamicDb,
    row: InstanceRow,
    effect: RunActionEffect,
    action: Rule['actions'][number],
    now: Date,
  ): Promise<ActionOutcome | undefined> {
    // Through the transaction: a freshness check on another connection deadlocks PGlite's single one.
    const app = await this.apps.requirePublished(row.app_key, trx as unknown as Kysely<PlatformTables>)
    const form = row.record_form ?? undefined
    const writer = form && row.record_id ? new RecordWriter(app, app.form(form)) : undefined
    // The stored row (every field, as the rules read it): planned on, and kept for the write below.
    const stored = writer ? await writer.read(trx, row.record_id!) : undefined
    const record = stored ? rowToJson(stored, app.form(form!)) : { ...row.state.data.record }
    const plan = planOf(app, row, effect, record, now)
    if (plan.some((p) => p.effect.kind === 'webhook')) return undefined
    const simple = writer && stored ? recordOnlyEffects(plan) : undefined
    if (simple && writer && stored) {
      // Only the record changes (set fields, tags): written from the row read above, as the rules' inline
      // runs write it (no second read of the record), with its audit entry and event.
      if (simple.updates) {
        const update = await writer.prepareUpdate(trx, stored, simple.updates)
        await writer.updateMany(trx, [update], { actor: `rule:${ruleName(row, effect)}` })
      }
      return { kind: 'action_completed', result: simple.results[0] ?? null }
    }
    const results = await applyEffects(trx, plan, {
      app,
      form,
      recordId: row.record_id,
      rule: ruleName(row, effect),
      jobId: null,
      channel: this.channel,
      now,
      external: new Map(),
      occurrence: `instance:${row.id}:${effect.actionId}`,
      // The version the plan was made from, read above in this transaction (saves a read).
      ...(stored ? { version: Number(stored.version) } : {}),
      ...(this.flows ? { flows: this.flows } : {}),
    })
    return { kind: 'action_completed', result: results[0] ?? null }
  }
}

function planOf(
  app: PublishedApp,
  row: InstanceRow,
  effect: RunActionEffect,
  record: Record<string, unknown>,
  now: Date,
) {
  const action = effect.action as Rule['actions'][number]
  const rule = { key: `${row.flow_key}.${effect.nodeId}`, trigger: { kind: 'manual' }, actions: [action] }
  return planActions(rule as unknown as Rule, record, { now, timeZone: app.definition.timeZone })
}

/** The name a service task's writes carry (audit actor `rule:<name>`, run log): `flow:<flow>.<node>`. */
export function ruleName(row: InstanceRow, effect: RunActionEffect): string {
  return `flow:${row.flow_key}.${effect.nodeId}`
}
