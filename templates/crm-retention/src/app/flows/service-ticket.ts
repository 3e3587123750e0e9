import type { FlowDefinition } from '@trellis/flow-engine'
import { chain, edge, end, role, serviceTask, userTask } from './nodes.js'

const setStatus = (id: string, name: string, status: string, extra: Record<string, unknown> = {}) =>
  serviceTask(id, name, { type: 'set_fields', values: { status, ...extra } })

/**
 * 服务工单: submit → acknowledgement → assign → handle → close. A ticket not handled within two days is
 * escalated: its priority becomes urgent and the store manager takes it over (the inbox shows it only to
 * the manager of the ticket's store, since tasks follow the record's row scope). Closing sets the status,
 * and the `ticket_closed_survey` rule sends the satisfaction survey: one survey per closing, whether the
 * flow or a person closes the ticket.
 */
export const serviceTicketFlow: FlowDefinition = {
  key: 'service_ticket',
  version: 1,
  name: '服务工单处理',
  nodes: [
    {
      id: 'submitted',
      kind: 'start',
      name: '客户提交工单',
      config: { trigger: { kind: 'record_event', form: 'tickets', event: 'created' } },
    },
    serviceTask('acknowledge', '发送受理通知', {
      type: 'notify',
      channel: 'in_app',
      to: { var: 'customer' },
      body: {
        'zh-CN': '您的工单 {{ticket_no}}（{{subject}}）已受理，客服会在 24 小时内联系您。',
        en: 'We have received your ticket {{ticket_no}} ({{subject}}); our service team will contact you within 24 hours.',
      },
    }),
    userTask('assign', '分派处理人', role('service_agent'), { outcomes: ['approve'] }),
    setStatus('mark_assigned', '标记为处理中', 'in_progress'),
    userTask('handle', '处理工单', role('service_agent'), {
      outcomes: ['approve'],
      due: { kind: 'duration', duration: 'P2D' },
    }),
    serviceTask('escalate', '逾期升级为紧急', { type: 'set_fields', values: { priority: 'urgent' } }),
    userTask('manager_handle', '店长督办', role('store_manager'), { outcomes: ['approve'] }),
    setStatus('close', '关闭工单', 'closed', { closed_at: { now: [] } }),
    end('closed', '已关闭（满意度回访由规则发送）', 'closed'),
  ],
  edges: [
    ...chain('submitted', 'acknowledge', 'assign', 'mark_assigned', 'handle', 'close', 'closed'),
    edge('handle', 'escalate', { on: 'due', name: '超过 2 天未处理' }),
    ...chain('escalate', 'manager_handle', 'close'),
  ],
}
