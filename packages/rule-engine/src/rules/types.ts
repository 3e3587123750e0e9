import type { JsonLogic } from '../types.js'

/** `{ key, trigger, condition, actions[], enabled }`: one automation rule inside an app definition. */
export interface Rule {
  key: string
  name?: Record<string, string>
  trigger: Trigger
  /** JsonLogic over the record (and `$before`, `$after`, `$changed` for record events); absent = always. */
  condition?: JsonLogic
  actions: ActionConfig[]
  enabled?: boolean
  /** Marketing rules only message people who consented to the channel (see notify). */
  marketing?: boolean
  /** Run once per record of another form (a schedule over a form only); see `RuleEach`. */
  each?: RuleEach
}

/**
 * `each: { form: 'product_pairs', filter: {"==": [{"var": "enabled"}, true]}, as: 'pair' }`: the rule runs once
 * per record of `form` matching `filter` at run time (so new records take effect without a publish), with that
 * record bound as the context variable `$pair`: `{"var": "$pair.days"}` in the condition, the aggregates'
 * filters and the actions, `{{$pair.recommend_name}}` in message templates.
 */
export interface RuleEach {
  form: string
  filter?: JsonLogic
  as: string
}

export type RecordEventKind = 'created' | 'updated' | 'deleted'

/** A record of `form` was created, updated or deleted; `fields` narrows updates to those that changed them. */
export interface RecordTrigger {
  kind: 'record'
  form: string
  on: RecordEventKind[]
  fields?: string[]
}

/** A cron schedule in a time zone; with `form`, the rule runs once per matching record at each tick. */
export interface CronTrigger {
  kind: 'cron'
  cron: string
  timeZone?: string
  form?: string
}

/**
 * Relative to a date on the record: `amount` `unit`s after it (negative = before). `yearly` repeats on
 * each anniversary (birthdays); 29 February falls on 28 February in common years. `at` ('HH:MM', local
 * time) places a date-only anchor at a time of day; default 09:00.
 */
export interface DateTrigger {
  kind: 'date'
  form: string
  field: string
  amount?: number
  unit?: 'days' | 'hours'
  yearly?: boolean
  at?: string
}

/** Run on demand: one record, or every record of `form` matching the condition. */
export interface ManualTrigger {
  kind: 'manual'
  form: string
}

export type Trigger = RecordTrigger | CronTrigger | DateTrigger | ManualTrigger

export interface ActionConfig {
  type: string
  [option: string]: unknown
}

export interface RuleIssue {
  code: string
  message: string
  /** Dotted path inside the rule: `trigger.field`, `actions.2.values.tier`, `condition.and.0`. */
  path: string
}

/** The part of an app definition rules depend on (structurally an `AppDefinition` from form-engine). */
export interface RuleAppView {
  key?: string
  timeZone?: string
  forms: RuleFormView[]
  /** The app's flows (`start_flow` checks the key; read structurally, the flow engine owns the shape). */
  flows?: unknown[]
}

export interface RuleFormView {
  key: string
  archived?: boolean
  fields: RuleFieldView[]
}

export interface RuleFieldView {
  key: string
  type: string
  archived?: boolean
  rollup?: { aggregate?: string }
}

export type { JsonLogic }
