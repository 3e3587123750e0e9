import type { FlowDefinition, StartTrigger } from '@trellis/flow-engine'
import { conditionHolds, matchesRecordEvent, recordEventInput, type Rule } from '@trellis/rule-engine'
import { sql } from 'kysely'
import type { PublishedApp } from '../apps/published-app.js'
import type { FlowRecordEvent, FlowStarts, RuleFlowStart } from '../automation/flow-starts.js'
import type { DynamicDb } from '../db/dynamic.js'
import { AppError } from '../http/errors.js'
import { RecordReader } from '../records/record-reader.js'
import { findFlow, flowIssues, flowsOf } from './flow-definitions.js'
import {
  advanceInstance,
  insertInstance,
  newInstance,
  type InstanceIds,
  type InstanceRow,
} from './instance-store.js'
import type { WrittenDetail } from './instance-write.js'
import type { ServiceActions } from './service-actions.js'

type RecordEventTrigger = Extract<StartTrigger, { kind: 'record_event' }>

interface Listener {
  flow: FlowDefinition
  trigger: RecordEventTrigger
}

export interface StartRequest {
  app: string
  flow: FlowDefinition
  form: string | null
  recordId: string | null
  record?: Record<string, unknown>
  variables?: Record<string, unknown>
  startedBy: string | null
  /** The engine's `by` (a user id), when a person starts it. */
  by?: string
  startKey?: string
}

/** A started instance: its row as written (state after the start) and, when asked, its tasks and steps. */
export interface Started {
  row: InstanceRow
  detail?: WrittenDetail
}

/**
 * Inserts an instance and feeds it `start`, in the caller's transaction (or, given the database, in as
 * few statements as the start needs). With a `startKey` already used
 * in the app nothing is written and `null` comes back (one event, one rule run → one instance).
 * `ids` hands out instance ids without a round trip each; `detail` reads the tasks and steps back.
 */
export async function startInstance(
  trx: DynamicDb,
  request: StartRequest,
  now: Date,
  actions: ServiceActions,
): Promise<string | null> {
  return (await startInstanceWith(trx, request, now, actions))?.row.id ?? null
}

/** The instance row a start request makes (see newInstance). */
export function instanceInput(request: StartRequest, now: Date) {
  return {
    app: request.app,
    flow: request.flow,
    recordForm: request.form,
    recordId: request.recordId,
    startedBy: request.startedBy,
    now,
  }
}

/** `startInstance` answering with the row written (and, with `detail`, its tasks and steps). */
export async function startInstanceWith(
  trx: DynamicDb,
  request: StartRequest,
  now: Date,
  actions: ServiceActions,
  options: { ids?: InstanceIds; detail?: boolean } = {},
): Promise<Started | null> {
  const input = instanceInput(request, now)
  // With a start key the row goes in first, so a used key stops the start before any action runs;
  // without one the row is inserted by the start's own write.
  const row = request.startKey
    ? await insertInstance(trx, { ...input, startKey: request.startKey })
    : await newInstance(trx, input, options.ids)
  if (!row) return null
  const result = await advanceInstance(
    trx,
    row,
    {
      kind: 'start',
      at: now.toISOString(),
      instanceId: row.id,
      ...(request.record ? { record: request.record } : {}),
      ...(request.variables ? { variables: request.variables } : {}),
      ...(request.by ? { by: request.by } : {}),
    },
    request.startedBy,
    now,
    actions,
    { insert: !request.startKey },
    { detail: options.detail ?? false },
  )
  if (result.rejected) throw refused(result.rejected)
  const state = result.state
  const written = { ...row, status: state.status, state, version: 1, updated_at: now }
  return { row: written, ...(result.detail ? { detail: result.detail } : {}) }
}

/** Rejections that mean "the request was wrong" rather than "someone else got there first". */
const badRequest = new Set(['outcome_not_allowed', 'nothing_to_return_to', 'no_start'])

export function refused(rejection: { code: string; message: string }): AppError {
  return new AppError(
    badRequest.has(rejection.code) ? 422 : 409,
    'FLOW_EVENT_REFUSED',
    rejection.message,
    undefined,
    { reason: rejection.code },
  )
}

/**
 * Starts flows for automation: flows whose start listens to a record event (consumed from the outbox
 * with the rules, in the consumer's transaction) and flows started by a rule's `start_flow` action.
 * A flow with validation errors never starts this way.
 */
export class FlowStarter implements FlowStarts {
  /** Record-event listeners of a published definition, by form (a publish makes a new definition object). */
  private readonly listeners = new WeakMap<object, Map<string, Listener[]>>()

  constructor(private readonly actions: ServiceActions) {}

  private listenersOf(app: PublishedApp): Map<string, Listener[]> {
    let byForm = this.listeners.get(app.definition)
    if (!byForm) {
      byForm = new Map()
      const broken = new Set(
        flowIssues(app.definition)
          .filter((i) => i.severity === 'error')
          .map((i) => i.flow),
      )
      for (const flow of flowsOf(app.definition)) {
        if (!flow || broken.has(flow.key)) continue
        const start = flow.nodes.find((n) => n.kind === 'start')
        const trigger = (start?.config as { trigger?: StartTrigger } | undefined)?.trigger
        if (trigger?.kind !== 'record_event') continue
        byForm.set(trigger.form, [...(byForm.get(trigger.form) ?? []), { flow, trigger }])
      }
      this.listeners.set(app.definition, byForm)
    }
    return byForm
  }

  listens(app: PublishedApp, form: string): boolean {
    return this.listenersOf(app).has(form)
  }

  matching(app: PublishedApp, event: FlowRecordEvent, now: Date): string[] {
    const input = recordEventInput(event)
    const context = { ...input.context, now, timeZone: app.definition.timeZone }
    return (this.listenersOf(app).get(event.form) ?? [])
      .filter(({ trigger }) => {
        const asRule = {
          kind: 'record' as const,
          form: trigger.form,
          on: [trigger.event],
          ...(trigger.fields ? { fields: trigger.fields } : {}),
        }
        if (!matchesRecordEvent(asRule, event)) return false
        return conditionHolds({ condition: trigger.condition } as Rule, input.data, context)
      })
      .map(({ flow }) => flow.key)
  }

  async startOnEvent(
    trx: DynamicDb,
    app: PublishedApp,
    flowKey: string,
    event: FlowRecordEvent,
    now: Date,
  ): Promise<{ instanceId: string | null } | { error: { code: string; message: string } }> {
    const flow = findFlow(app.definition, flowKey)
    const record = (event.kind === 'deleted' ? event.before : event.after) ?? {}
    return this.guarded(trx, async () => ({
      instanceId: await startInstance(
        trx,
        {
          app: app.key,
          flow,
          form: event.form,
          recordId: event.recordId,
          record,
          startedBy: `event:${event.kind}`,
          startKey: `event:${event.eventId}:${flowKey}`,
        },
        now,
        this.actions,
      ),
    }))
  }

  async startForRule(trx: DynamicDb, input: RuleFlowStart, now: Date) {
    const flow = findFlow(input.app.definition, input.flow)
    const record =
      input.form && input.recordId
        ? await new RecordReader(input.app, input.app.form(input.form)).get(trx, input.recordId)
        : undefined
    const instanceId = await startInstance(
      trx,
      {
        app: input.app.key,
        flow,
        form: record ? input.form! : null,
        recordId: record ? input.recordId : null,
        ...(record ? { record } : {}),
        ...(input.variables ? { variables: input.variables } : {}),
        startedBy: input.actor,
        ...(input.startKey ? { startKey: input.startKey } : {}),
      },
      now,
      this.actions,
    )
    return { instanceId, started: instanceId !== null }
  }

  /** A start that throws leaves nothing behind and is reported, so one bad flow cannot block the outbox. */
  private async guarded<T>(
    trx: DynamicDb,
    work: () => Promise<T>,
  ): Promise<T | { error: { code: string; message: string } }> {
    await sql`savepoint flow_start`.execute(trx)
    try {
      const result = await work()
      await sql`release savepoint flow_start`.execute(trx)
      return result
    } catch (error) {
      await sql`rollback to savepoint flow_start`.execute(trx)
      const e = error as { code?: unknown; message?: unknown }
      return {
        error: {
          code: typeof e.code === 'string' ? e.code : 'FLOW_START_FAILED',
          message: typeof e.message === 'string' ? e.message : String(error),
        },
      }
    }
  }
}
