import type { KindedField } from './field-kinds'
import {
  operatorFor,
  operatorsFor,
  type OperatorDef,
  type OperatorOptions,
  type ValueType,
} from './operators'

/** `$user.<name>` as a row value: the viewer's attribute (row scopes). */
export interface UserValue {
  user: string
}

export type RowValue = string | number | boolean | null | string[] | UserValue

/** Which value of the field a row reads on a record update: before or after the change (else the record's). */
export type RowSide = 'before' | 'after'

export interface ConditionRow {
  type: 'row'
  id: string
  field: string
  /** `$before.<field>` / `$after.<field>`: record-update conditions only. */
  side?: RowSide
  op: string
  a?: RowValue
  b?: RowValue
}

export interface ConditionGroup {
  type: 'group'
  id: string
  op: 'and' | 'or'
  items: ConditionNode[]
  /**
   * The root group writes a single row bare; one that was read as `{"and": [row]}` keeps its wrapper so
   * the logic reads back exactly as it was written.
   */
  wrapped?: boolean
}

export type ConditionNode = ConditionRow | ConditionGroup

let counter = 0
export const nextId = () => `c${++counter}`

export const isUserValue = (value: unknown): value is UserValue =>
  typeof value === 'object' &&
  value !== null &&
  !Array.isArray(value) &&
  typeof (value as UserValue).user === 'string'

const USER_PREFIX = '$user.'

function operand(value: RowValue | undefined): unknown {
  if (isUserValue(value)) return { var: USER_PREFIX + value.user }
  return value === undefined ? null : value
}

// ---- rows → logic

export function rowToLogic(row: ConditionRow, fields: readonly KindedField[]): unknown {
  const kind = fields.find((f) => f.field.key === row.field)?.kind
  const op = kind && operatorFor(kind, row.op)
  if (!op) throw new Error(`No operator ${row.op} for field ${row.field}`)
  // A change operator names the field; a side reads the value before or after the change.
  const field = { var: row.side && !op.change ? `$${row.side}.${row.field}` : row.field }
  if (op.value === 'none') return op.build(field)
  if (op.pair) return op.build(field, operand(row.a), operand(row.b))
  return op.build(field, operand(row.a))
}

function nodeToLogic(node: ConditionNode, fields: readonly KindedField[]): unknown {
  if (node.type === 'row') return rowToLogic(node, fields)
  const items = node.items.map((item) => nodeToLogic(item, fields)).filter((item) => item !== undefined)
  // An empty group (just added, nothing in it yet) writes nothing rather than `{"and": []}`.
  return items.length ? { [node.op]: items } : undefined
}

/** The JsonLogic of a builder tree; `undefined` when it holds no condition. */
export function rowsToLogic(root: ConditionGroup, fields: readonly KindedField[]): unknown {
  const items = root.items.map((item) => nodeToLogic(item, fields)).filter((item) => item !== undefined)
  if (items.length === 0) return undefined
  if (items.length === 1 && !root.wrapped) return items[0]
  return { [root.op]: items }
}

// ---- logic → rows

const HOLE = Symbol('hole')
type Hole = { [HOLE]: 'field' | 'a' | 'b' }
const hole = (name: Hole[typeof HOLE]): Hole => ({ [HOLE]: name })
const isHole = (value: unknown): value is Hole => typeof value === 'object' && value !== null && HOLE in value

/** Matches `logic` against a template with holes, collecting what stands where the holes are. */
function unify(template: unknown, logic: unknown, out: Partial<Record<Hole[typeof HOLE], unknown>>): boolean {
  if (isHole(template)) {
    out[template[HOLE]] = logic
    return true
  }
  if (Array.isArray(template)) {
    return (
      Array.isArray(logic) &&
      logic.length === template.length &&
      template.every((item, i) => unify(item, logic[i], out))
    )
  }
  if (typeof template === 'object' && template !== null) {
    if (typeof logic !== 'object' || logic === null || Array.isArray(logic)) return false
    const keys = Object.keys(template)
    return (
      Object.keys(logic).length === keys.length &&
      keys.every(
        (key) =>
          Object.hasOwn(logic, key) &&
          unify((template as Record<string, unknown>)[key], (logic as Record<string, unknown>)[key], out),
      )
    )
  }
  return Object.is(template, logic)
}

const DAY = /^\d{4}-\d{2}-\d{2}$/
const INVALID = Symbol('invalid')

function readValue(raw: unknown, type: ValueType, op: OperatorDef): RowValue | typeof INVALID {
  if (
    op.userVariable &&
    typeof raw === 'object' &&
    raw !== null &&
    !Array.isArray(raw) &&
    Object.keys(raw).length === 1 &&
    typeof (raw as { var?: unknown }).var === 'string' &&
    (raw as { var: string }).var.startsWith(USER_PREFIX) &&
    (raw as { var: string }).var.length > USER_PREFIX.length
  )
    return { user: (raw as { var: string }).var.slice(USER_PREFIX.length) }
  switch (type) {
    case 'text':
    case 'option':
      return typeof raw === 'string' ? raw : INVALID
    case 'number':
      return (typeof raw === 'number' && Number.isFinite(raw)) || raw === null ? raw : INVALID
    case 'date':
      return typeof raw === 'string' && DAY.test(raw) ? raw : INVALID
    case 'days':
      return typeof raw === 'number' && Number.isInteger(raw) && raw >= 0 ? raw : INVALID
    case 'options':
      return Array.isArray(raw) && raw.every((item) => typeof item === 'string') ? [...raw] : INVALID
    default:
      return INVALID
  }
}
const SIDE = /^\$(before|after)\.(.+)$/

/** The field a template's field hole holds, and the side of the change it reads (record updates only). */
function fieldAt(
  name: unknown,
  op: OperatorDef,
  options: OperatorOptions,
): { key: string; side?: RowSide } | undefined {
  if (typeof name !== 'string') return undefined
  const side = !op.change && options.recordChange ? SIDE.exec(name) : null
  return side ? { key: side[2]!, side: side[1] as RowSide } : { key: name }
}

function rowFromLogic(
  logic: unknown,
  fields: readonly KindedField[],
  options: OperatorOptions,
): ConditionRow | undefined {
  // Try every operator of every kind: a template fixes the field's place, the field then fixes the kind.
  const tried = new Set<OperatorDef>()
  for (const { kind } of fields) {
    for (const op of operatorsFor(kind, options)) {
      if (tried.has(op)) continue
      tried.add(op)
      const found: Partial<Record<Hole[typeof HOLE], unknown>> = {}
      if (!unify(op.build({ var: hole('field') }, hole('a'), hole('b')), logic, found)) continue
      const named = fieldAt(found.field, op, options)
      const target = named && fields.find((f) => f.field.key === named.key)
      if (!named || !target || !op.kinds.includes(target.kind)) continue
      const row: ConditionRow = { type: 'row', id: nextId(), field: target.field.key, op: op.key }
      if (named.side) row.side = named.side
      if (op.value !== 'none') {
        const a = readValue(found.a, op.value, op)
        if (a === INVALID) continue
        row.a = a
        if (op.pair) {
          const b = readValue(found.b, op.value, op)
          if (b === INVALID) continue
          row.b = b
        }
      }
      return row
    }
  }
  return undefined
}

function isGroupLogic(logic: unknown): logic is { and: unknown[] } | { or: unknown[] } {
  if (typeof logic !== 'object' || logic === null || Array.isArray(logic)) return false
  const keys = Object.keys(logic)
  const items = (logic as Record<string, unknown>)[keys[0] ?? '']
  return (
    keys.length === 1 && (keys[0] === 'and' || keys[0] === 'or') && Array.isArray(items) && items.length > 0
  )
}

function nodeFromLogic(
  logic: unknown,
  fields: readonly KindedField[],
  options: OperatorOptions,
): ConditionNode | undefined {
  if (isGroupLogic(logic)) {
    const op = 'and' in logic ? 'and' : 'or'
    const items: ConditionNode[] = []
    for (const item of (logic as Record<string, unknown[]>)[op]!) {
      const node = nodeFromLogic(item, fields, options)
      if (!node) return undefined
      items.push(node)
    }
    return { type: 'group', id: nextId(), op, items }
  }
  return rowFromLogic(logic, fields, options)
}

export const emptyRoot = (): ConditionGroup => ({ type: 'group', id: nextId(), op: 'and', items: [] })

/**
 * Reads JsonLogic into builder rows, or `undefined` when the builder cannot show it (unknown operators or
 * fields, arithmetic, `$before`/`$after`/`$changed` outside a record update…): such logic is edited as raw
 * JSON. The result is accepted only if it writes back exactly the logic it was read from, so opening and
 * closing the builder never changes a rule.
 */
export function logicToRows(
  logic: unknown,
  fields: readonly KindedField[],
  options: OperatorOptions = {},
): ConditionGroup | undefined {
  if (logic === undefined || logic === null) return emptyRoot()
  const node = nodeFromLogic(logic, fields, options)
  if (!node) return undefined
  const root: ConditionGroup =
    node.type === 'group' ? { ...node, wrapped: true } : { ...emptyRoot(), items: [node] }
  try {
    return sameLogic(rowsToLogic(root, fields), logic) ? root : undefined
  } catch {
    return undefined
  }
}

/** Structural equality of two JSON values (key order ignored). */
export function sameLogic(a: unknown, b: unknown): boolean {
  if (a === b) return true
  if (Array.isArray(a) || Array.isArray(b)) {
    return (
      Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => sameLogic(x, b[i]))
    )
  }
  if (typeof a === 'object' && a !== null && typeof b === 'object' && b !== null) {
    const keys = Object.keys(a)
    return (
      keys.length === Object.keys(b).length &&
      keys.every(
        (key) =>
          Object.hasOwn(b, key) &&
          sameLogic((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]),
      )
    )
  }
  return Number.isNaN(a) && Number.isNaN(b)
}
