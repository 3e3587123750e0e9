import { sql, type SqlBool } from 'kysely'
import { isNullSql } from '../../sql/fragments.js'
import { bool } from '../../sql/sql-value.js'
import { defineOperators } from '../operator.js'

/**
 * `{"is_empty": [value]}`: null, missing, '' , [] or {}. Whitespace is not empty and neither are
 * 0 or false (they are answers, not blanks).
 */
export function isEmpty(value: unknown): boolean {
  if (value === null || value === undefined || value === '') return true
  if (Array.isArray(value)) return value.length === 0
  if (typeof value === 'object') return Object.keys(value).length === 0
  return false
}

export const isEmptyOperators = defineOperators({
  name: 'is_empty',
  arity: { min: 1, max: 1 },
  js:
    ([value]) =>
    (d, e) =>
      isEmpty(value!(d, e)),
  sql(node, c) {
    const value = c.value(node.args[0]!)
    switch (value.kind) {
      case 'poison':
        return value
      case 'bool':
        return bool(sql<SqlBool>`false`, false, node.path)
      case 'const':
        return bool(isEmpty(value.value) ? sql<SqlBool>`true` : sql<SqlBool>`false`, false, node.path)
      case 'typed':
        switch (value.type) {
          case 'text':
            return bool(sql<SqlBool>`(${value.sql} is null or ${value.sql} = '')`, false, node.path)
          case 'text_array':
            return bool(
              sql<SqlBool>`(${value.sql} is null or cardinality(${value.sql}) = 0)`,
              false,
              node.path,
            )
          case 'json':
            return bool(
              sql<SqlBool>`(${value.sql} is null or jsonb_typeof(${value.sql}) = 'null' or ${value.sql} in ('""'::jsonb, '[]'::jsonb, '{}'::jsonb))`,
              false,
              node.path,
            )
          default:
            return isNullSql(value.sql, node.path)
        }
    }
  },
})
