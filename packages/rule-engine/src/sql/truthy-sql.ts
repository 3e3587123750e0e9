import { sql, type SqlBool } from 'kysely'
import { truthy } from '../js/truthy.js'
import { constBool, isNotNullSql } from './fragments.js'
import { bool, type BoolValue, type PoisonValue, type SqlCompiler, type SqlValue } from './sql-value.js'

/** JsonLogic truthiness of a compiled value, as a SQL boolean (NULL = false). */
export function truthySql(value: SqlValue, c: SqlCompiler): BoolValue | PoisonValue {
  const path = value.path
  switch (value.kind) {
    case 'poison':
    case 'bool':
      return value
    case 'const':
      return constBool(truthy(value.value), path, typeof value.value !== 'boolean')
    case 'typed': {
      const x = value.sql
      switch (value.type) {
        case 'number':
          return bool(sql<SqlBool>`(${x} <> 0)`, true, path, true)
        case 'text':
          return bool(sql<SqlBool>`(${x} <> '')`, true, path, true)
        case 'boolean':
          return bool(sql<SqlBool>`${x}`, true, path, true)
        case 'decimal': // '0.00' is a non-empty string, so truthy in JsonLogic
        case 'date':
        case 'datetime':
          return { ...isNotNullSql(x, path), truthOnly: true }
        case 'text_array':
          return bool(sql<SqlBool>`(cardinality(${x}) > 0)`, true, path, true)
        case 'json':
          return c.fail('unsupported_in_sql', 'The truthiness of a json field is not supported in SQL', path)
      }
    }
  }
}
