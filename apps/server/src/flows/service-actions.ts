import type { RunActionEffect } from '@trellis/flow-engine'
import { planActions, type Rule } from '@trellis/rule-engine'
import { sql, type Kysely } from 'kysely'
import type { AppService } from '../apps/app-service.js'
import { applyEffects } from '../automation/effects.js'
import type { FlowStarts } from '../automation/flow-starts.js'
import { storedMessages, type NotificationChannel } from '../automation/notification-channel.js'
import type { DynamicDb } from '../db/dynamic.js'
import type { PlatformTables } from '../db/tables.js'
import { RecordReader } from '../records/record-reader.js'
import type { InstanceRow } from './instance-store.js'

export type ActionOutcome =
  | { kind: 'action_completed'; result: unknown }
  | { kind: 'action_failed'; error: { code?: string; message: string } }

/**
 * Runs a service task's action with the rules' own planner and effect writer, inside the instance's
 * transaction (under a savepoint, so a failing action becomes `action_failed` instead of aborting the
 * state write). Webhooks leave the database and cannot share its transaction: they stay `pending` in
 * `flow_actions` and the instance waits (not delivered yet). The caller records the action's row (with
 * `done` or `failed`) in the same write as the state.
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
  ): Promise<ActionOutcome | undefined> {
    const action = effect.action as Rule['actions'][number]
    if (action.type === 'call_webhook') return undefined
    await sql`savepoint flow_action`.execute(trx)
    try {
      // Through the transaction: a freshness check on another connection deadlocks PGlite's single one.
      const app = await this.apps.requirePublished(row.app_key, trx as unknown as Kysely<PlatformTables>)
      const form = row.record_form ?? undefined
      const record =
        form && row.record_id
          ? await new RecordReader(app, app.form(form)).get(trx, row.record_id)
          : { ...row.state.data.record }
      const rule = { key: `${row.flow_key}.${effect.nodeId}`, trigger: { kind: 'manual' }, actions: [action] }
      const plan = planActions(rule as unknown as Rule, record, { now, timeZone: app.definition.timeZone })
      if (plan.some((p) => p.effect.kind === 'webhook')) {
        await sql`release savepoint flow_action`.execute(trx)
        return undefined
      }
      const results = await applyEffects(trx, plan, {
        app,
        form,
        recordId: row.record_id,
        rule: `flow:${row.flow_key}.${effect.nodeId}`,
        jobId: null,
        channel: this.channel,
        now,
        external: new Map(),
        occurrence: `instance:${row.id}:${effect.actionId}`,
        ...(this.flows ? { flows: this.flows } : {}),
      })
      await sql`release savepoint flow_action`.execute(trx)
      return { kind: 'action_completed', result: results[0] ?? null }
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
}
