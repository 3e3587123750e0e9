import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv'
import type { RuleIssue } from './types.js'

// ajv checks the shapes (one JSON Schema per trigger kind and action type, also served to the designer);
// the hand-written checks that follow only deal with meaning (fields exist, types fit).
const ajv = new Ajv({ allErrors: true, strict: false })
const compiled = new WeakMap<object, ValidateFunction>()

export function schemaIssues(schema: Record<string, unknown>, value: unknown, prefix: string): RuleIssue[] {
  let validate = compiled.get(schema)
  if (!validate) {
    validate = ajv.compile(schema)
    compiled.set(schema, validate)
  }
  if (validate(value)) return []
  return (validate.errors ?? []).map((e) => toIssue(e, prefix))
}

function toIssue(error: ErrorObject, prefix: string): RuleIssue {
  const parts = error.instancePath
    .split('/')
    .filter(Boolean)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
  const params = error.params as Record<string, unknown>
  if (error.keyword === 'required') parts.push(String(params.missingProperty))
  if (error.keyword === 'additionalProperties') parts.push(String(params.additionalProperty))
  const path = [prefix, ...parts].filter(Boolean).join('.')
  const code =
    error.keyword === 'required'
      ? 'REQUIRED'
      : error.keyword === 'additionalProperties'
        ? 'UNKNOWN_OPTION'
        : 'INVALID'
  return { code, message: `${path || 'rule'} ${error.message ?? 'is invalid'}`, path }
}
