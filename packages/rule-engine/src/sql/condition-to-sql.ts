import type { Expression, SqlBool } from 'kysely'
import { ConditionError } from '../errors.js'
import { parseLogic } from '../parse/parse-logic.js'
import type { ConditionIssue, JsonLogic, SqlScope } from '../types.js'
import { SqlCompilation } from './compile-sql.js'

/**
 * JsonLogic → a kysely boolean expression with JsonLogic's meaning. Field names resolve only
 * through `scope.fields`; every value is a bind parameter. Anything outside the SQL subset, an
 * unknown field or a type mismatch throws a ConditionError naming the node's path — when the
 * condition is compiled, never when the query runs.
 *
 * The expression may evaluate to NULL where the condition is false (so indexes stay usable):
 * use it as a filter (WHERE, AND, OR). To negate, compile `{"!": logic}` rather than NOT-ing it.
 */
export function conditionToSql(logic: JsonLogic, scope: SqlScope): Expression<SqlBool> {
  const root = parseLogic(logic)
  const compilation = new SqlCompilation(scope, 'throw')
  const result = compilation.truth(root)
  if (result.kind === 'poison')
    throw new ConditionError('unsupported_in_sql', 'Condition not supported', result.path)
  return result.sql
}

/** Static checks against a form's fields: unknown fields, type mismatches, operators SQL lacks. */
export function validateCondition(logic: JsonLogic, scope: SqlScope): ConditionIssue[] {
  let compilation: SqlCompilation
  try {
    const root = parseLogic(logic)
    compilation = new SqlCompilation(scope, 'collect')
    compilation.truth(root)
  } catch (error) {
    if (error instanceof ConditionError)
      return [{ code: error.code, message: error.message, path: error.path }]
    throw error
  }
  return compilation.issues
}
