import type { FieldKind } from './field-kinds'

/**
 * The operators the visual builder offers, each as the JsonLogic it writes. A definition is a template:
 * `build` is called with the field's `{ var }` and the row's values, and the same function called with
 * placeholders is what parsing unifies existing logic against, so writing and reading cannot drift apart.
 * The Trellis operators used here are documented in docs/conditions.md.
 */
export type ValueType =
  /** no value */
  | 'none'
  | 'text'
  | 'number'
  /** 'YYYY-MM-DD' */
  | 'date'
  /** a whole number of days, ≥ 0 */
  | 'days'
  /** one option value */
  | 'option'
  /** several option values */
  | 'options'

export interface OperatorDef {
  key: string
  kinds: readonly FieldKind[]
  value: ValueType
  /** between: two values of `value`'s type. */
  pair?: boolean
  /** The value may be a `$user.<name>` variable. */
  userVariable?: boolean
  /** Reads the record event's `$changed` list (record-update rules only); the field is named, not read. */
  change?: boolean
  build(field: unknown, a?: unknown, b?: unknown): unknown
}

const textual: FieldKind[] = ['text', 'ref']
const numeric: FieldKind[] = ['number']
const dates: FieldKind[] = ['date', 'datetime']
const everyKind: FieldKind[] = ['text', 'ref', 'number', 'date', 'datetime', 'select', 'tags', 'boolean']
const days = (field: unknown) => ({ days_since: [field] })
const startOfDay = (day: unknown) => ({ start_of: [day, 'day'] })
const not = (logic: unknown) => ({ '!': logic })

export const OPERATORS: readonly OperatorDef[] = [
  // text and references (user, relation: ids and usernames are text)
  {
    key: 'equals',
    kinds: [...textual, 'select'],
    value: 'text',
    userVariable: true,
    build: (f, a) => ({ '==': [f, a] }),
  },
  {
    key: 'not_equals',
    kinds: [...textual, 'select'],
    value: 'text',
    userVariable: true,
    build: (f, a) => ({ '!=': [f, a] }),
  },
  { key: 'contains', kinds: ['text'], value: 'text', build: (f, a) => ({ contains: [f, a] }) },
  { key: 'not_contains', kinds: ['text'], value: 'text', build: (f, a) => not({ contains: [f, a] }) },
  { key: 'starts_with', kinds: ['text'], value: 'text', build: (f, a) => ({ starts_with: [f, a] }) },
  { key: 'ends_with', kinds: ['text'], value: 'text', build: (f, a) => ({ ends_with: [f, a] }) },
  // selects
  { key: 'in', kinds: ['select'], value: 'options', build: (f, a) => ({ in: [f, a] }) },
  { key: 'not_in', kinds: ['select'], value: 'options', build: (f, a) => not({ in: [f, a] }) },
  // numbers
  { key: 'eq', kinds: numeric, value: 'number', userVariable: true, build: (f, a) => ({ '==': [f, a] }) },
  { key: 'ne', kinds: numeric, value: 'number', build: (f, a) => ({ '!=': [f, a] }) },
  { key: 'gt', kinds: numeric, value: 'number', build: (f, a) => ({ '>': [f, a] }) },
  { key: 'gte', kinds: numeric, value: 'number', build: (f, a) => ({ '>=': [f, a] }) },
  { key: 'lt', kinds: numeric, value: 'number', build: (f, a) => ({ '<': [f, a] }) },
  { key: 'lte', kinds: numeric, value: 'number', build: (f, a) => ({ '<=': [f, a] }) },
  {
    key: 'between',
    kinds: numeric,
    value: 'number',
    pair: true,
    build: (f, a, b) => ({ between: [f, a, b] }),
  },
  // dates: relative to today in the app's zone (days_since counts midnights, see docs/conditions.md)
  { key: 'today', kinds: dates, value: 'none', build: (f) => ({ '==': [days(f), 0] }) },
  { key: 'in_last_days', kinds: dates, value: 'days', build: (f, a) => ({ between: [days(f), 0, a] }) },
  { key: 'more_than_days_ago', kinds: dates, value: 'days', build: (f, a) => ({ '>': [days(f), a] }) },
  {
    key: 'in_next_days',
    kinds: dates,
    value: 'days',
    build: (f, a) => ({ between: [{ date_diff: [{ today: [] }, f, 'days'] }, 0, a] }),
  },
  {
    key: 'anniversary_within',
    kinds: dates,
    value: 'days',
    build: (f, a) => ({ '<=': [{ days_until_anniversary: [f] }, a] }),
  },
  { key: 'anniversary_today', kinds: dates, value: 'none', build: (f) => ({ is_anniversary: [f] }) },
  // dates: against a calendar day. A date field compares with the day itself; a datetime field with the
  // instant that day starts in the zone, so "before 3 March" means before 00:00 local time on 3 March.
  { key: 'on', kinds: ['date'], value: 'date', build: (f, a) => ({ '==': [f, a] }) },
  { key: 'before', kinds: ['date'], value: 'date', build: (f, a) => ({ '<': [f, a] }) },
  { key: 'after', kinds: ['date'], value: 'date', build: (f, a) => ({ '>': [f, a] }) },
  {
    key: 'on',
    kinds: ['datetime'],
    value: 'date',
    build: (f, a) => ({ '==': [startOfDay(f), startOfDay(a)] }),
  },
  { key: 'before', kinds: ['datetime'], value: 'date', build: (f, a) => ({ '<': [f, startOfDay(a)] }) },
  {
    key: 'after',
    kinds: ['datetime'],
    value: 'date',
    build: (f, a) => ({ '>=': [f, startOfDay({ date_add: [a, 1, 'days'] })] }),
  },
  // tags and multi-selects
  { key: 'has_any', kinds: ['tags'], value: 'options', build: (f, a) => ({ has_any: [f, a] }) },
  { key: 'has_all', kinds: ['tags'], value: 'options', build: (f, a) => ({ has_all: [f, a] }) },
  { key: 'has_none', kinds: ['tags'], value: 'options', build: (f, a) => not({ has_any: [f, a] }) },
  // booleans: "no" includes empty, which is what consent checks mean
  { key: 'is_true', kinds: ['boolean'], value: 'none', build: (f) => ({ '==': [f, true] }) },
  { key: 'is_false', kinds: ['boolean'], value: 'none', build: (f) => ({ '!=': [f, true] }) },
  // every kind
  {
    key: 'is_empty',
    kinds: everyKind,
    value: 'none',
    build: (f) => ({ is_empty: [f] }),
  },
  {
    key: 'is_not_empty',
    kinds: everyKind,
    value: 'none',
    build: (f) => not({ is_empty: [f] }),
  },
]

/** The field's key where the template has `{ var: key }`: `$changed` lists keys, not values. */
const keyOf = (field: unknown) => (field as { var: unknown }).var
const changed = (field: unknown) => ({ in: [keyOf(field), { var: '$changed' }] })

/**
 * Offered only where the condition runs on a record update, whose context has `$before`, `$after` and
 * `$changed` (docs/rules.md): "phone has changed" is `{"in": ["phone", {"var": "$changed"}]}`.
 */
export const CHANGE_OPERATORS: readonly OperatorDef[] = [
  { key: 'changed', kinds: everyKind, value: 'none', change: true, build: (f) => changed(f) },
  { key: 'not_changed', kinds: everyKind, value: 'none', change: true, build: (f) => not(changed(f)) },
]

export interface OperatorOptions {
  /** The condition runs on a record update: offer the `$changed` operators. */
  recordChange?: boolean
}

/** The operators offered for a kind, in menu order. */
export function operatorsFor(kind: FieldKind, options: OperatorOptions = {}): OperatorDef[] {
  const ops = options.recordChange ? [...OPERATORS, ...CHANGE_OPERATORS] : OPERATORS
  return ops.filter((op) => op.kinds.includes(kind))
}

/** An operator by key, whichever list it is in (a row only holds a change operator where one is offered). */
export function operatorFor(kind: FieldKind, key: string): OperatorDef | undefined {
  return [...OPERATORS, ...CHANGE_OPERATORS].find((op) => op.key === key && op.kinds.includes(kind))
}
