// Each node's `config` is checked against its module's JSON Schema, compiled once per kind.
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv'
import { nodePath, type FlowIssue } from '../issues'
import { nodeTypes } from '../nodes/registry'
import type { FlowNode, NodeKind } from '../types'

const ajv = new Ajv({ allErrors: true, strict: false })
const compiled = new Map<NodeKind, ValidateFunction>()

function validatorFor(kind: NodeKind): ValidateFunction {
  let validate = compiled.get(kind)
  if (!validate) {
    validate = ajv.compile(nodeTypes[kind].configSchema)
    compiled.set(kind, validate)
  }
  return validate
}

/** `/assignee/kind` → `assignee.kind` */
const dotted = (pointer: string) => pointer.split('/').filter(Boolean).join('.')

export function checkConfig(node: FlowNode): FlowIssue[] {
  const validate = validatorFor(node.kind)
  if (validate(node.config ?? undefined)) return []
  // oneOf failures report every branch; the shortest pointer is the one a person can act on.
  const errors = (validate.errors ?? []) as ErrorObject[]
  const seen = new Set<string>()
  const issues: FlowIssue[] = []
  for (const error of errors) {
    const at = dotted(error.instancePath)
    const key =
      error.keyword === 'oneOf' || error.keyword === 'const' ? `${at}:oneOf` : `${at}:${error.message}`
    if (seen.has(key)) continue
    seen.add(key)
    issues.push({
      code: 'invalid_config',
      severity: 'error',
      message: `${at || 'config'} ${error.message ?? 'is invalid'}`,
      path: nodePath(node.id, at ? `config.${at}` : 'config'),
      nodeId: node.id,
    })
  }
  return issues
}
