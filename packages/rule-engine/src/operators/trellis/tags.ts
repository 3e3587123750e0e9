import { sql, type SqlBool } from 'kysely'
import { constBool, isNotNullSql, textArrayParam } from '../../sql/fragments.js'
import { bool, type SqlValue } from '../../sql/sql-value.js'
import { defineOperators, type OperatorDefinition } from '../operator.js'

/**
 * Tags and multi-select: `{"has_any": [tags, ["vip", "new"]]}`, `{"has_all": [tags, [...]]}`.
 * False unless the first argument is an array; a single string stands for a one-item list.
 * Items match by strict equality, so only strings can match a text_array field.
 */

function listOf(value: unknown): unknown[] | undefined {
  if (Array.isArray(value)) return value
  if (typeof value === 'string') return [value]
  return undefined
}

function tagOperator(name: 'has_any' | 'has_all'): OperatorDefinition {
  const all = name === 'has_all'
  return {
    name,
    arity: { min: 2, max: 2 },
    js([tags, wanted]) {
      return (d, e) => {
        const have = tags!(d, e)
        const list = listOf(wanted!(d, e))
        if (!Array.isArray(have) || !list) return false
        return all ? list.every((item) => have.includes(item)) : list.some((item) => have.includes(item))
      }
    },
    sql(node, c): SqlValue {
      const have = c.value(node.args[0]!)
      const wanted = c.value(node.args[1]!)
      if (have.kind === 'poison') return have
      if (wanted.kind === 'poison') return wanted
      if (have.kind !== 'typed' || have.type !== 'text_array') {
        return c.fail(
          'type_mismatch',
          `${name} needs a text_array (tags, multi-select) field`,
          node.args[0]!.path,
        )
      }
      if (wanted.kind !== 'const') {
        return c.fail('unsupported_in_sql', `${name} needs a constant list in SQL`, node.args[1]!.path)
      }
      const list = listOf(wanted.value)
      if (!list) return constBool(false, node.path)
      const strings = list.filter((item): item is string => typeof item === 'string')
      if (all) {
        if (strings.length < list.length) return constBool(false, node.path)
        if (strings.length === 0) return isNotNullSql(have.sql, node.path)
        return bool(sql<SqlBool>`(${have.sql} @> ${textArrayParam(strings)})`, true, node.path)
      }
      if (strings.length === 0) return constBool(false, node.path)
      return bool(sql<SqlBool>`(${have.sql} && ${textArrayParam(strings)})`, true, node.path)
    },
  }
}

export const tagOperators = defineOperators(tagOperator('has_any'), tagOperator('has_all'))
