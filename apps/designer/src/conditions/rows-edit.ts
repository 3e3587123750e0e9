import type { FieldKind, KindedField } from './field-kinds'
import {
  nextId,
  type ConditionGroup,
  type ConditionNode,
  type ConditionRow,
  type RowSide,
  type RowValue,
} from './logic-rows'
import { operatorFor, operatorsFor, type OperatorDef } from './operators'

/** Edits of the builder tree; each returns a new tree (the builder writes its logic after every edit). */
export type RowsEdit =
  | { type: 'add-row'; group: string }
  | { type: 'add-group'; group: string }
  | { type: 'remove'; id: string }
  | { type: 'set-group-op'; group: string; op: 'and' | 'or' }
  | { type: 'set-field'; id: string; field: string }
  | { type: 'set-op'; id: string; op: string }
  /** Record updates: read the field's value before or after the change (undefined: the record's). */
  | { type: 'set-side'; id: string; side: RowSide | undefined }
  | { type: 'set-value'; id: string; which: 'a' | 'b'; value: RowValue }

/** A value that fits an operator, for a new row or after the operator changed. */
export function defaultValue(op: OperatorDef): RowValue | undefined {
  switch (op.value) {
    case 'none':
      return undefined
    case 'number':
      return null
    case 'days':
      return op.key === 'anniversary_within' ? 7 : op.key === 'more_than_days_ago' ? 90 : 30
    case 'date':
      return new Date().toISOString().slice(0, 10)
    case 'options':
      return []
    default:
      return ''
  }
}

function withOperator(row: ConditionRow, op: OperatorDef, kind: FieldKind): ConditionRow {
  const next: ConditionRow = { type: 'row', id: row.id, field: row.field, op: op.key }
  // "changed" names the field itself, so it has no side.
  if (row.side && !op.change) next.side = row.side
  const current = operatorFor(kind, row.op)
  // Keep a value the new operator reads the same way (equals → not equals, > → >=); else start afresh.
  const keep = current && current.value === op.value
  const a = keep ? row.a : defaultValue(op)
  if (a !== undefined) next.a = a
  if (op.pair) next.b = keep && row.b !== undefined ? row.b : defaultValue(op)
  return next
}

export function newRow(fields: readonly KindedField[], field = fields[0]): ConditionRow {
  if (!field) throw new Error('A condition needs at least one field')
  const op = operatorsFor(field.kind)[0]!
  const row: ConditionRow = { type: 'row', id: nextId(), field: field.field.key, op: op.key }
  const a = defaultValue(op)
  if (a !== undefined) row.a = a
  if (op.pair) row.b = defaultValue(op)!
  return row
}

function mapNodes(group: ConditionGroup, fn: (node: ConditionNode) => ConditionNode | null): ConditionGroup {
  const items: ConditionNode[] = []
  for (const item of group.items) {
    const mapped = fn(item)
    if (mapped === null) continue
    items.push(mapped.type === 'group' && mapped === item ? mapNodes(mapped, fn) : mapped)
  }
  return { ...group, items }
}

function editGroup(root: ConditionGroup, id: string, fn: (group: ConditionGroup) => ConditionGroup) {
  if (root.id === id) return fn(root)
  return mapNodes(root, (node) => (node.type === 'group' && node.id === id ? fn(node) : node))
}

function editRow(root: ConditionGroup, id: string, fn: (row: ConditionRow) => ConditionRow) {
  return mapNodes(root, (node) => (node.type === 'row' && node.id === id ? fn(node) : node))
}

export function editRows(
  root: ConditionGroup,
  edit: RowsEdit,
  fields: readonly KindedField[],
): ConditionGroup {
  const kindOf = (row: ConditionRow): FieldKind =>
    fields.find((f) => f.field.key === row.field)?.kind ?? 'text'
  switch (edit.type) {
    case 'add-row':
      return editGroup(root, edit.group, (group) => ({ ...group, items: [...group.items, newRow(fields)] }))
    case 'add-group':
      return editGroup(root, edit.group, (group) => ({
        ...group,
        items: [
          ...group.items,
          { type: 'group', id: nextId(), op: group.op === 'and' ? 'or' : 'and', items: [newRow(fields)] },
        ],
      }))
    case 'remove': {
      const next = mapNodes(root, (node) => (node.id === edit.id ? null : node))
      // A root left with one item writes it bare again.
      return next.items.length <= 1 ? { ...next, wrapped: false } : next
    }
    case 'set-group-op':
      return editGroup(root, edit.group, (group) => ({ ...group, op: edit.op }))
    case 'set-field':
      return editRow(root, edit.id, (row) => {
        const field = fields.find((f) => f.field.key === edit.field)
        if (!field) return row
        const sameOp = operatorFor(field.kind, row.op)
        const previous = fields.find((f) => f.field.key === row.field)
        // Same kind: keep the operator and value (switching between two number fields keeps "> 100").
        if (sameOp && previous?.kind === field.kind) return { ...row, field: edit.field }
        return { ...newRow(fields, field), id: row.id }
      })
    case 'set-op':
      return editRow(root, edit.id, (row) => {
        const op = operatorFor(kindOf(row), edit.op)
        return op ? withOperator(row, op, kindOf(row)) : row
      })
    case 'set-side':
      return editRow(root, edit.id, (row) => {
        const { side: _side, ...rest } = row
        const next: ConditionRow = edit.side ? { ...rest, side: edit.side } : rest
        // A side reads a value: a change operator ("has changed") gives way to the kind's first operator.
        const op = operatorFor(kindOf(row), row.op)
        if (!edit.side || !op?.change) return next
        return withOperator(next, operatorsFor(kindOf(row))[0]!, kindOf(row))
      })
    case 'set-value':
      return editRow(root, edit.id, (row) => ({ ...row, [edit.which]: edit.value }))
  }
}
