// Realistic definitions shared by the tests.
import type { FlowDefinition } from '../../src/index'

/** ticket → assign → resolve → satisfaction survey timer → end */
export const serviceTicket: FlowDefinition = {
  key: 'service_ticket',
  version: 3,
  name: 'Service ticket',
  nodes: [
    {
      id: 'start',
      kind: 'start',
      config: { trigger: { kind: 'record_event', form: 'ticket', event: 'created' } },
    },
    {
      id: 'assign',
      kind: 'user_task',
      name: 'Assign',
      config: {
        assignee: { kind: 'role', role: 'dispatcher' },
        form: 'ticket_assign',
        outcomes: ['approve'],
      },
    },
    {
      id: 'resolve',
      kind: 'user_task',
      name: 'Resolve',
      config: {
        assignee: { kind: 'field', field: 'engineer' },
        due: { kind: 'duration', duration: 'PT8H' },
      },
    },
    {
      id: 'escalate',
      kind: 'service_task',
      name: 'Notify manager',
      config: { action: { type: 'notify', channel: 'sms', template: 'ticket_overdue' } },
    },
    {
      id: 'survey_wait',
      kind: 'timer',
      name: 'Wait a day',
      config: { timer: { kind: 'duration', duration: 'P1D' } },
    },
    {
      id: 'survey',
      kind: 'service_task',
      name: 'Send survey',
      config: { action: { type: 'notify', channel: 'wechat', template: 'survey' } },
    },
    { id: 'end', kind: 'end', config: { result: 'resolved' } },
  ],
  edges: [
    { id: 'e1', source: 'start', target: 'assign' },
    { id: 'e2', source: 'assign', target: 'resolve' },
    { id: 'e3', source: 'resolve', target: 'survey_wait' },
    { id: 'e4', source: 'resolve', target: 'escalate', on: 'due' },
    { id: 'e5', source: 'escalate', target: 'resolve' },
    { id: 'e6', source: 'survey_wait', target: 'survey' },
    { id: 'e7', source: 'survey', target: 'end' },
  ],
}

/** Quotation approval: amount gateway, then sales manager and finance in parallel. */
export const quotationApproval: FlowDefinition = {
  key: 'quotation_approval',
  version: 1,
  nodes: [
    { id: 'start', kind: 'start', config: { trigger: { kind: 'manual' } } },
    {
      id: 'review',
      kind: 'user_task',
      name: 'Sales review',
      config: { assignee: { kind: 'field', field: 'account_manager' }, form: 'quotation' },
    },
    { id: 'amount', kind: 'exclusive_gateway', name: 'Amount?', config: {} },
    { id: 'fork', kind: 'parallel_gateway', config: {} },
    {
      id: 'manager',
      kind: 'user_task',
      name: 'Manager approval',
      config: {
        assignee: { kind: 'role', role: 'sales_manager' },
        outcomes: ['approve', 'reject', 'return'],
      },
    },
    {
      id: 'finance',
      kind: 'user_task',
      name: 'Finance approval',
      config: { assignee: { kind: 'role', role: 'finance' }, outcomes: ['approve', 'reject'] },
    },
    { id: 'join', kind: 'parallel_gateway', config: {} },
    {
      id: 'send',
      kind: 'service_task',
      name: 'Send quotation',
      config: { action: { type: 'webhook', url: 'https://example.test/quote' } },
    },
    { id: 'approved', kind: 'end', config: { result: 'approved' } },
    { id: 'rejected', kind: 'end', config: { result: 'rejected', terminate: true } },
  ],
  edges: [
    { id: 's_review', source: 'start', target: 'review' },
    { id: 'review_amount', source: 'review', target: 'amount' },
    { id: 'big', source: 'amount', target: 'fork', condition: { '>=': [{ var: 'record.amount' }, 100000] } },
    { id: 'small', source: 'amount', target: 'send', default: true },
    { id: 'fork_manager', source: 'fork', target: 'manager' },
    { id: 'fork_finance', source: 'fork', target: 'finance' },
    { id: 'manager_join', source: 'manager', target: 'join' },
    { id: 'finance_join', source: 'finance', target: 'join' },
    { id: 'manager_reject', source: 'manager', target: 'rejected', on: 'reject' },
    { id: 'finance_reject', source: 'finance', target: 'rejected', on: 'reject' },
    { id: 'join_send', source: 'join', target: 'send' },
    { id: 'send_end', source: 'send', target: 'approved' },
  ],
}
