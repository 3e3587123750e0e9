import type { RecordEventKind } from '@trellis/rule-engine'
import type { PublishedApp } from '../apps/published-app.js'
import type { DynamicDb } from '../db/dynamic.js'

/** A record event from the outbox, as flows listening to record events see it. */
export interface FlowRecordEvent {
  /** The outbox row: the start key of every flow it starts. */
  eventId: string
  form: string
  recordId: string
  kind: RecordEventKind
  before: Record<string, unknown> | null
  after: Record<string, unknown> | null
  changed: readonly string[]
}

export interface RuleFlowStart {
  app: PublishedApp
  flow: string
  form: string | undefined
  recordId: string | null
  variables?: Record<string, unknown>
  /** Unique per app: the same key never starts a second instance. */
  startKey?: string
  /** Who started it, e.g. `rule:<key>`. */
  actor: string
}

/**
 * How automation reaches flows without depending on them: the flows module registers an
 * implementation (routes/flows.ts), and both calls run inside the caller's transaction, so a flow is
 * started exactly when the event is consumed or the rule's effects are written.
 */
export interface FlowStarts {
  /** Whether any flow of the app starts on events of this form (cheap; lets the consumer skip reads). */
  listens(app: PublishedApp, form: string): boolean
  /** Keys of the flows this event starts (trigger, changed fields and condition checked). */
  matching(app: PublishedApp, event: FlowRecordEvent, now: Date): string[]
  /** Starts one flow for the event; an error is returned (nothing written), never thrown. */
  startOnEvent(
    trx: DynamicDb,
    app: PublishedApp,
    flow: string,
    event: FlowRecordEvent,
    now: Date,
  ): Promise<{ instanceId: string | null } | { error: { code: string; message: string } }>
  /** Starts one flow for a rule's `start_flow` action; `started: false` when the key was already used. */
  startForRule(
    trx: DynamicDb,
    input: RuleFlowStart,
    now: Date,
  ): Promise<{ instanceId: string | null; started: boolean }>
}
