import type { AppDefinition } from '@trellis/form-engine'
import { validateFlow, type FlowDefinition, type FlowIssue } from '@trellis/flow-engine'
import { AppError } from '../http/errors.js'

/** The flows of an app definition (`flows[]`), as the engine reads them. */
export function flowsOf(definition: AppDefinition): FlowDefinition[] {
  return (definition.flows ?? []) as FlowDefinition[]
}

export function findFlow(definition: AppDefinition, key: string): FlowDefinition {
  const flow = flowsOf(definition).find((f) => f && f.key === key)
  if (!flow) throw new AppError(404, 'FLOW_NOT_FOUND', `App ${definition.key} has no flow ${key}`)
  return flow
}

type RootedIssue = FlowIssue & { flow: string }

/** Issues per definition object: a published definition is checked once, not at every start. */
const checked = new WeakMap<AppDefinition, RootedIssue[]>()

/** Every issue of every flow, with paths rooted at the app definition (`flows.<index>.…`). */
export function flowIssues(definition: AppDefinition): RootedIssue[] {
  let issues = checked.get(definition)
  if (!issues) {
    issues = issuesOf(definition)
    checked.set(definition, issues)
  }
  return issues
}

function issuesOf(definition: AppDefinition): RootedIssue[] {
  return flowsOf(definition).flatMap((flow, index) => {
    let issues: FlowIssue[]
    try {
      issues = validateFlow(flow)
    } catch (error) {
      // A definition too malformed for the validator's own walk is one error, not a crash.
      issues = [{ code: 'bad_flow', severity: 'error', message: (error as Error).message, path: '' }]
    }
    return issues.map((issue) => ({
      ...issue,
      flow: typeof flow?.key === 'string' ? flow.key : String(index),
      path: issue.path ? `flows.${index}.${issue.path}` : `flows.${index}`,
    }))
  })
}

/** Refuses a definition whose flows have errors (warnings pass): used before publishing and starting. */
export function assertFlowsValid(definition: AppDefinition, onlyFlow?: string): void {
  const errors = flowIssues(definition).filter(
    (i) => i.severity === 'error' && (onlyFlow === undefined || i.flow === onlyFlow),
  )
  if (errors.length) {
    throw new AppError(422, 'FLOW_INVALID', errors[0]!.message, errors[0]!.path, { issues: errors })
  }
}
