import type { TFunction } from 'i18next'
import type { FlowEdge, FlowNode, TimeSpec } from '@trellis/flow-engine'

function timeText(t: TFunction, spec: TimeSpec | undefined): string | undefined {
  if (!spec) return undefined
  return spec.kind === 'duration' ? spec.duration : t('flows.time.dateShort')
}

/** A node's title and one line of detail for its card on the canvas. */
export function describeNode(t: TFunction, node: FlowNode): { label: string; detail?: string } {
  const label = node.name || t(`flows.kind.${node.kind}`)
  let detail: string | undefined
  switch (node.kind) {
    case 'start':
      detail = node.config?.trigger ? t(`flows.start.${node.config.trigger.kind}`) : undefined
      break
    case 'user_task': {
      const assignee = node.config?.assignee
      detail = !assignee
        ? t('flows.assignee.none')
        : assignee.kind === 'user'
          ? t('flows.assignee.showUser', { value: assignee.userId })
          : assignee.kind === 'role'
            ? t('flows.assignee.showRole', { value: assignee.role })
            : t('flows.assignee.showField', { value: assignee.field })
      break
    }
    case 'service_task':
      detail = node.config?.action
        ? t(`flows.action.types.${node.config.action.type}`, { defaultValue: node.config.action.type })
        : undefined
      break
    case 'timer':
      detail = timeText(t, node.config?.timer)
      break
    case 'end':
      detail = node.config?.result
      break
    default:
      detail = undefined
  }
  return detail ? { label, detail } : { label }
}

/** The label an edge carries: its name, else its trigger, default mark or condition. */
export function describeEdge(t: TFunction, edge: FlowEdge): string | undefined {
  const parts: string[] = []
  if (edge.name) parts.push(edge.name)
  if (edge.on) parts.push(t(`flows.edge.trigger.${edge.on}`))
  if (edge.default) parts.push(t('flows.edge.defaultShort'))
  if (!edge.name && edge.condition !== undefined) {
    const text = JSON.stringify(edge.condition)
    parts.push(text.length > 40 ? `${text.slice(0, 39)}…` : text)
  }
  return parts.length ? parts.join(' · ') : undefined
}
