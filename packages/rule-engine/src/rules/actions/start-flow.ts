import type { JsonLogic } from '../../types.js'
import { evaluateValues, type ActionModule } from './action.js'

interface StartFlowConfig {
  type: 'start_flow'
  /** Key of one of the app's flows (`flows[]` of the app definition). */
  flow: string
  /** Instance variables (`vars` in the flow); a JsonLogic object is an expression over the record. */
  variables?: Record<string, JsonLogic>
}

interface FlowView {
  key?: unknown
  nodes?: Array<{ kind?: unknown; config?: { trigger?: { kind?: unknown; rule?: unknown } } }>
}

/**
 * Starts one of the app's flows on the triggering record (or without a record, for a rule without a
 * form). A flow whose start names a rule (`{kind:'rule', rule}`) may only be started by that rule.
 */
export const startFlow: ActionModule<StartFlowConfig> = {
  type: 'start_flow',
  needsRecord: false,
  configSchema: {
    type: 'object',
    required: ['type', 'flow'],
    additionalProperties: false,
    properties: {
      type: { const: 'start_flow' },
      flow: { type: 'string', minLength: 1 },
      variables: { type: 'object' },
    },
  },
  check(config, ctx) {
    const flows = (ctx.app.flows ?? []) as FlowView[]
    const flow = flows.find((f) => f && f.key === config.flow)
    if (!flow)
      return [{ code: 'UNKNOWN_FLOW', message: `The app has no flow "${config.flow}"`, path: 'flow' }]
    const trigger = flow.nodes?.find((n) => n?.kind === 'start')?.config?.trigger
    const issues =
      trigger?.kind === 'rule' && typeof trigger.rule === 'string' && ctx.rule && trigger.rule !== ctx.rule
        ? [
            {
              code: 'FLOW_NOT_STARTABLE',
              message: `Flow ${config.flow} is started only by rule ${trigger.rule}`,
              path: 'flow',
            },
          ]
        : []
    for (const [name, logic] of Object.entries(config.variables ?? {}))
      issues.push(...ctx.checkExpression(logic, `variables.${name}`))
    return issues
  },
  plan(config, input) {
    return {
      kind: 'start_flow',
      flow: config.flow,
      variables: config.variables ? evaluateValues(config.variables, input) : {},
    }
  },
}
