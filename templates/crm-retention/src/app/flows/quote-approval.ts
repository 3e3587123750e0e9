import type { FlowDefinition } from '@trellis/flow-engine'
import { chain, edge, end, gateway, role, serviceTask, userTask } from './nodes.js'

/** Quotes from this amount (yuan) need finance as well as the store manager. */
export const quoteFinanceThreshold = 20_000

const setQuote = (id: string, name: string, status: string) =>
  serviceTask(id, name, { type: 'set_fields', values: { quote_status: status } })

const approved = (node: string) => ({ '==': [{ var: `tasks.${node}.outcome` }, 'approve'] })

/**
 * 报价审批: an opportunity entering 报价谈判 (negotiation) has its quote approved. From ¥20,000 finance and
 * the store manager approve in parallel and both must agree; below it the store manager alone decides.
 */
export const quoteApprovalFlow: FlowDefinition = {
  key: 'quote_approval',
  version: 1,
  name: '报价审批',
  nodes: [
    {
      id: 'quote',
      kind: 'start',
      name: '进入报价谈判',
      config: {
        trigger: {
          kind: 'record_event',
          form: 'opportunities',
          event: 'updated',
          fields: ['stage'],
          condition: { '==': [{ var: 'stage' }, 'negotiation'] },
        },
      },
    },
    setQuote('pending', '报价待审批', 'pending'),
    gateway('amount_gate', '金额判断'),
    gateway('fork', '并行会签', 'parallel'),
    userTask('finance_approve', '财务审批', role('finance'), { outcomes: ['approve', 'reject'] }),
    userTask('manager_approve', '店长审批', role('store_manager'), { outcomes: ['approve', 'reject'] }),
    gateway('join', '会签完成', 'parallel'),
    gateway('both_agree', '是否都同意'),
    userTask('manager_only', '店长审批', role('store_manager'), { outcomes: ['approve', 'reject'] }),
    setQuote('approve', '报价已批准', 'approved'),
    setQuote('reject', '报价被驳回', 'rejected'),
    end('approved', '批准', 'approved'),
    end('rejected', '驳回', 'rejected'),
  ],
  edges: [
    ...chain('quote', 'pending', 'amount_gate'),
    edge('amount_gate', 'fork', {
      name: `≥ ¥${quoteFinanceThreshold}`,
      condition: { '>=': [{ var: 'record.amount' }, quoteFinanceThreshold] },
    }),
    edge('amount_gate', 'manager_only', { default: true }),
    edge('fork', 'finance_approve'),
    edge('fork', 'manager_approve'),
    edge('finance_approve', 'join'),
    edge('manager_approve', 'join'),
    edge('join', 'both_agree'),
    edge('both_agree', 'approve', {
      condition: { and: [approved('finance_approve'), approved('manager_approve')] },
      name: '都同意',
    }),
    edge('both_agree', 'reject', { default: true }),
    edge('manager_only', 'approve', { on: 'approve' }),
    edge('manager_only', 'reject', { on: 'reject' }),
    edge('approve', 'approved'),
    edge('reject', 'rejected'),
  ],
}
