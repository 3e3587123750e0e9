import type { ConditionContext, JsonLogic } from '../../types.js'
import type { RuleAppView, RuleFormView, RuleIssue } from '../types.js'
import type { MinePairsConfig } from './mine-pairs.js'
import type { ScoreRfmConfig } from './score-rfm.js'

/** What an action would do, decided purely; the server carries it out (or shows it in a dry run). */
export type PlannedEffect =
  | { kind: 'update_record'; values: Record<string, unknown> }
  | {
      kind: 'create_record'
      form: string
      values: Record<string, unknown>
      /** Fields the server fills with a random code (coupons): `prefix` + `length` characters. */
      codes: Record<string, { prefix: string; length: number }>
    }
  | {
      kind: 'message'
      channel: Channel
      to: string
      subject?: string
      body: string
      locale: string
      marketing: boolean
    }
  | { kind: 'skip'; reason: 'NO_CONSENT' | 'NO_RECIPIENT'; message: string }
  | { kind: 'start_flow'; flow: string; variables: Record<string, unknown> }
  | { kind: 'mine_pairs'; config: MinePairsConfig }
  | { kind: 'score_rfm'; config: ScoreRfmConfig }
  | {
      kind: 'webhook'
      url: string
      body: unknown
      headers: Record<string, string>
      timeoutMs: number
    }

export const channels = ['sms', 'email', 'wechat', 'in_app'] as const
export type Channel = (typeof channels)[number]

export interface PlanInput {
  /** The record as the rule sees it, with earlier actions' changes applied. */
  record: Record<string, unknown>
  context: ConditionContext
  evaluate(logic: JsonLogic, data: unknown, context: ConditionContext): unknown
}

export interface CheckContext {
  app: RuleAppView
  /** The key of the rule being checked, when it has one. */
  rule?: string
  /** The trigger's form, when the rule has one. */
  form: RuleFormView | undefined
  /** Issues of one expression over `form` (or over the given form), with paths under `path`. */
  checkExpression(logic: JsonLogic, path: string, form?: RuleFormView): RuleIssue[]
  /** Context variables the rule has (`before`, its aggregates, its `each` name): `{{$name.x}}` may read them. */
  contextNames?: ReadonlySet<string>
}

/**
 * One action type: a JSON Schema for its configuration (checked first, also served to the designer),
 * semantic checks against the app, and a pure plan. Registered in `registry.ts`.
 */
export interface ActionModule<C = Record<string, unknown>> {
  readonly type: string
  readonly configSchema: Record<string, unknown>
  /** Actions that change or read "the record" cannot run on a rule without one (a bare cron rule). */
  readonly needsRecord: boolean
  check(config: C, ctx: CheckContext): RuleIssue[]
  plan(config: C, input: PlanInput): PlannedEffect
}

export const computedTypes = new Set(['formula', 'rollup', 'auto_number'])
export const systemFields = new Set([
  'id',
  'version',
  'created_at',
  'created_by',
  'updated_at',
  'updated_by',
  'deleted_at',
])

export function fieldOf(form: RuleFormView | undefined, key: string) {
  return form?.fields.find((f) => f.key === key && !f.archived)
}

/** A field an action may write: it exists, is not computed and is not a system column. */
export function checkWritableField(form: RuleFormView | undefined, key: string, path: string): RuleIssue[] {
  if (!form) return []
  if (systemFields.has(key)) return [{ code: 'FIELD_READ_ONLY', message: `${key} is a system field`, path }]
  const field = fieldOf(form, key)
  if (!field) return [{ code: 'UNKNOWN_FIELD', message: `Form ${form.key} has no field "${key}"`, path }]
  if (computedTypes.has(field.type))
    return [{ code: 'FIELD_READ_ONLY', message: `${key} is computed (${field.type})`, path }]
  return []
}

/** Values of a `{ field: expression }` map, evaluated over the record. */
export function evaluateValues(values: Record<string, JsonLogic>, input: PlanInput): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [key, logic] of Object.entries(values))
    out[key] = input.evaluate(logic, input.record, input.context)
  return out
}
