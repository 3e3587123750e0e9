import type { NodeKind } from '@trellis/flow-engine'

export interface PaletteItem {
  /** Unique per entry: several entries are service tasks with different actions. */
  id: string
  kind: NodeKind
  /** For service tasks: the rule action the new node runs. */
  action?: string
  group: 'events' | 'tasks' | 'actions' | 'gateways'
}

/** Every node kind of the engine's registry, the service task once per common action. */
export const PALETTE: readonly PaletteItem[] = [
  { id: 'start', kind: 'start', group: 'events' },
  { id: 'timer', kind: 'timer', group: 'events' },
  { id: 'end', kind: 'end', group: 'events' },
  { id: 'user_task', kind: 'user_task', group: 'tasks' },
  { id: 'notify', kind: 'service_task', action: 'notify', group: 'actions' },
  { id: 'set_fields', kind: 'service_task', action: 'set_fields', group: 'actions' },
  { id: 'create_record', kind: 'service_task', action: 'create_record', group: 'actions' },
  { id: 'start_flow', kind: 'service_task', action: 'start_flow', group: 'actions' },
  { id: 'call_webhook', kind: 'service_task', action: 'call_webhook', group: 'actions' },
  { id: 'exclusive_gateway', kind: 'exclusive_gateway', group: 'gateways' },
  { id: 'parallel_gateway', kind: 'parallel_gateway', group: 'gateways' },
]

export const PALETTE_GROUPS = ['events', 'tasks', 'actions', 'gateways'] as const

/** Rule actions a service task may run (rule-engine's action registry). */
export const ACTION_TYPES = [
  'notify',
  'set_fields',
  'add_tags',
  'remove_tags',
  'create_record',
  'start_flow',
  'call_webhook',
] as const
