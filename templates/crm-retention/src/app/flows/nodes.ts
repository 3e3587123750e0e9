import type { Assignee, FlowEdge, FlowNode, Outcome, TimeSpec } from '@trellis/flow-engine'

/**
 * Small builders for the template's flows, so each flow reads as its steps. Node names are zh-CN (the
 * flow model names nodes with one string); docs/crm-retention.md gives the English.
 */
export const serviceTask = (id: string, name: string, action: Record<string, unknown> & { type: string }) =>
  ({ id, kind: 'service_task', name, config: { action } }) satisfies FlowNode

export const userTask = (
  id: string,
  name: string,
  assignee: Assignee,
  extra: { outcomes?: Outcome[]; due?: TimeSpec; form?: string } = {},
) => ({ id, kind: 'user_task', name, config: { assignee, ...extra } }) satisfies FlowNode

export const timer = (id: string, name: string, duration: string) =>
  ({ id, kind: 'timer', name, config: { timer: { kind: 'duration', duration } } }) satisfies FlowNode

export const gateway = (id: string, name: string, kind: 'exclusive' | 'parallel' = 'exclusive') =>
  ({ id, kind: `${kind}_gateway`, name, config: {} }) as FlowNode

export const end = (id: string, name: string, result: string) =>
  ({ id, kind: 'end', name, config: { result } }) satisfies FlowNode

export const role = (key: string): Assignee => ({ kind: 'role', role: key })

/** Edges in order, `a→b` each; extra properties for conditional, default and outcome edges. */
export function chain(...ids: string[]): FlowEdge[] {
  return ids.slice(1).map((target, i) => edge(ids[i]!, target))
}

export const edge = (
  source: string,
  target: string,
  extra: Omit<FlowEdge, 'id' | 'source' | 'target'> = {},
) => ({ id: `${source}__${target}`, source, target, ...extra }) satisfies FlowEdge

/**
 * A service task that rewrites a field with its own current value: the way a flow reads the record as it
 * is now (a service task's `set_fields` result lands in `actions.<node>.values`), since the instance's
 * `record` is the snapshot taken at the start.
 */
export const readBack = (id: string, name: string, ...fields: string[]) =>
  serviceTask(id, name, {
    type: 'set_fields',
    values: Object.fromEntries(fields.map((f) => [f, { var: f }])),
  })
