// Shared by the timer node and the user task's due time.
import { nodePath, type FlowIssue } from '../issues'
import { checkTimeSpec } from '../time-spec'
import type { TimeSpec } from '../types'
import type { JsonSchema, ValidateContext } from './node-type'

export const timeSpecSchema: JsonSchema = {
  oneOf: [
    {
      type: 'object',
      required: ['kind', 'duration'],
      properties: { kind: { const: 'duration' }, duration: { type: 'string', minLength: 2 } },
      additionalProperties: false,
    },
    {
      type: 'object',
      required: ['kind', 'expression'],
      properties: {
        kind: { const: 'date' },
        expression: {},
        offset: { type: 'string' },
        yearly: { type: 'boolean' },
        time: { type: 'string' },
        utcOffset: { type: 'string' },
      },
      additionalProperties: false,
    },
  ],
}

export function validateTimeSpec(
  spec: TimeSpec,
  nodeId: string,
  at: string,
  ctx: ValidateContext,
): FlowIssue[] {
  const problem = checkTimeSpec(spec)
  if (problem)
    return [{ code: 'bad_time', severity: 'error', message: problem, path: nodePath(nodeId, at), nodeId }]
  if (spec.kind === 'date') {
    const logicProblem = ctx.checkLogic(spec.expression)
    if (logicProblem)
      return [
        {
          code: 'bad_time',
          severity: 'error',
          message: `date expression: ${logicProblem}`,
          path: nodePath(nodeId, `${at}.expression`),
          nodeId,
        },
      ]
  }
  return []
}
