// The definition model: a flow is a graph of small nodes joined by edges, stored as plain JSON
// inside the app definition. Each node kind has one module in `nodes/` that owns its config schema
// and its transitions.

/** A JsonLogic expression. Kept opaque here: `@trellis/rule-engine` owns its grammar. */
export type JsonLogic = unknown

export type Outcome = 'approve' | 'reject' | 'return'

/**
 * Edge labels that do not mean "the normal way out": a user task may route rejections and due-time
 * escalations (the boundary path) separately; a service task may route its failure.
 */
export type EdgeTrigger = Outcome | 'due' | 'error'

export type Assignee =
  | { kind: 'user'; userId: string }
  | { kind: 'role'; role: string }
  /** A field of the record holding a user id, e.g. the customer's account manager. */
  | { kind: 'field'; field: string }

export type TimeSpec =
  /** ISO 8601 duration from the moment the node is entered, e.g. `P7D`, `PT4H`. */
  | { kind: 'duration'; duration: string }
  /**
   * A date computed from the instance data, e.g. three days before the birthday:
   * `{ expression: { var: 'record.birthday' }, offset: '-P3D', yearly: true }`.
   * Date-only values are read at `time` (default 00:00) in `utcOffset` (default +08:00, Asia/Shanghai).
   */
  | {
      kind: 'date'
      expression: JsonLogic
      offset?: string
      yearly?: boolean
      time?: string
      utcOffset?: string
    }

export type StartTrigger =
  | { kind: 'manual' }
  | {
      kind: 'record_event'
      form: string
      event: 'created' | 'updated' | 'deleted'
      /** For `updated`: start only when one of these fields changed. */
      fields?: string[]
      /** JsonLogic on the record (after the change; before it for a delete); absent = always. */
      condition?: JsonLogic
    }
  | { kind: 'rule'; rule?: string }

export interface StartConfig {
  trigger: StartTrigger
}

export interface UserTaskConfig {
  assignee?: Assignee
  /** Key of a form the assignee fills; its data is merged into the record. */
  form?: string
  /** Outcomes offered to the assignee; all three when absent. */
  outcomes?: Outcome[]
  /** When the task is due; on expiry the task is cancelled and the `due` edge is followed. */
  due?: TimeSpec
}

export interface ServiceTaskConfig {
  /** Any rule action; the host executes it and reports `action_completed` / `action_failed`. */
  action: { type: string; [key: string]: unknown }
}

export interface TimerConfig {
  timer: TimeSpec
}

export interface EndConfig {
  /** A label for the outcome of the instance, e.g. `approved`. */
  result?: string
  /** Ends the whole instance, cancelling every other branch. */
  terminate?: boolean
}

// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface GatewayConfig {}

interface NodeBase {
  id: string
  name?: string
}

export interface StartNode extends NodeBase {
  kind: 'start'
  config: StartConfig
}
export interface UserTaskNode extends NodeBase {
  kind: 'user_task'
  config: UserTaskConfig
}
export interface ServiceTaskNode extends NodeBase {
  kind: 'service_task'
  config: ServiceTaskConfig
}
export interface ExclusiveGatewayNode extends NodeBase {
  kind: 'exclusive_gateway'
  config: GatewayConfig
}
export interface ParallelGatewayNode extends NodeBase {
  kind: 'parallel_gateway'
  config: GatewayConfig
}
export interface TimerNode extends NodeBase {
  kind: 'timer'
  config: TimerConfig
}
export interface EndNode extends NodeBase {
  kind: 'end'
  config: EndConfig
}

export type FlowNode =
  | StartNode
  | UserTaskNode
  | ServiceTaskNode
  | ExclusiveGatewayNode
  | ParallelGatewayNode
  | TimerNode
  | EndNode

export type NodeKind = FlowNode['kind']

export interface FlowEdge {
  id: string
  source: string
  target: string
  name?: string
  /** JsonLogic on the outgoing edges of an exclusive gateway. */
  condition?: JsonLogic
  /**
   * A condition imported from BPMN in another language (XPath, JUEL, FEEL…). Kept verbatim so the
   * designer can show it while the user rewrites it as JsonLogic; the flow cannot run until then.
   */
  conditionText?: { language?: string; body: string }
  /** The edge an exclusive gateway takes when no condition holds. */
  default?: boolean
  /** Taken only on this outcome / escalation / failure of the source node (see EdgeTrigger). */
  on?: EdgeTrigger
}

export interface FlowDefinition {
  key: string
  version: number
  name?: string
  nodes: FlowNode[]
  edges: FlowEdge[]
}
