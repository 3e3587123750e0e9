import type { AppDefinition } from '@trellis/form-engine'
import type { FlowDefinition } from '@trellis/flow-engine'
import type { Api } from './support/api.js'

const label = (zh: string, en: string) => ({ 'zh-CN': zh, en })
const manual = { trigger: { kind: 'manual' as const } }

/** start → approve (role manager) → exclusive gateway on the amount → end. */
export const approval: FlowDefinition = {
  key: 'approval',
  version: 1,
  nodes: [
    { id: 'start', kind: 'start', config: { trigger: { kind: 'manual' } } },
    {
      id: 'approve',
      kind: 'user_task',
      name: '经理审批',
      config: { assignee: { kind: 'role', role: 'manager' } },
    },
    { id: 'amount', kind: 'exclusive_gateway', config: {} },
    { id: 'big', kind: 'end', config: { result: 'big' } },
    { id: 'small', kind: 'end', config: { result: 'small' } },
  ],
  edges: [
    { id: 'e1', source: 'start', target: 'approve' },
    { id: 'e2', source: 'approve', target: 'amount' },
    { id: 'e3', source: 'amount', target: 'big', condition: { '>': [{ var: 'record.amount' }, 10000] } },
    { id: 'e4', source: 'amount', target: 'small', default: true },
  ],
}

/** Finance (by role) and the quote's owner (by record field) must both approve. */
export const review: FlowDefinition = {
  key: 'review',
  version: 1,
  nodes: [
    { id: 'start', kind: 'start', config: manual },
    { id: 'fork', kind: 'parallel_gateway', config: {} },
    { id: 'finance', kind: 'user_task', config: { assignee: { kind: 'role', role: 'finance' } } },
    { id: 'owner', kind: 'user_task', config: { assignee: { kind: 'field', field: 'owner' } } },
    { id: 'join', kind: 'parallel_gateway', config: {} },
    { id: 'end', kind: 'end', config: {} },
  ],
  edges: [
    { id: 'e1', source: 'start', target: 'fork' },
    { id: 'e2', source: 'fork', target: 'finance' },
    { id: 'e3', source: 'fork', target: 'owner' },
    { id: 'e4', source: 'finance', target: 'join' },
    { id: 'e5', source: 'owner', target: 'join' },
    { id: 'e6', source: 'join', target: 'end' },
  ],
}

/** Waits three days, then asks a manager to call. */
export const reminder: FlowDefinition = {
  key: 'reminder',
  version: 1,
  nodes: [
    { id: 'start', kind: 'start', config: manual },
    { id: 'wait', kind: 'timer', config: { timer: { kind: 'duration', duration: 'P3D' } } },
    { id: 'call', kind: 'user_task', config: { assignee: { kind: 'role', role: 'manager' } } },
    { id: 'end', kind: 'end', config: {} },
  ],
  edges: [
    { id: 'e1', source: 'start', target: 'wait' },
    { id: 'e2', source: 'wait', target: 'call' },
    { id: 'e3', source: 'call', target: 'end' },
  ],
}

/** A manager has 15 days; then the task goes to the regional manager. */
export const escalating: FlowDefinition = {
  key: 'escalating',
  version: 1,
  nodes: [
    { id: 'start', kind: 'start', config: manual },
    {
      id: 'approve',
      kind: 'user_task',
      config: { assignee: { kind: 'role', role: 'manager' }, due: { kind: 'duration', duration: 'P15D' } },
    },
    { id: 'regional', kind: 'user_task', config: { assignee: { kind: 'role', role: 'regional' } } },
    { id: 'done', kind: 'end', config: { result: 'approved' } },
    { id: 'escalated', kind: 'end', config: { result: 'escalated' } },
  ],
  edges: [
    { id: 'e1', source: 'start', target: 'approve' },
    { id: 'e2', source: 'approve', target: 'done' },
    { id: 'e3', source: 'approve', target: 'regional', on: 'due' },
    { id: 'e4', source: 'regional', target: 'escalated' },
  ],
}

const member = { actions: ['read', 'update'] as const }

export function quotesApp(key: string, flows: FlowDefinition[]): AppDefinition {
  return {
    key,
    name: label('报价', 'Quotes'),
    forms: [
      {
        key: 'quotes',
        label: label('报价单', 'Quotes'),
        fields: [
          { key: 'title', type: 'text', label: label('标题', 'Title'), required: true },
          { key: 'amount', type: 'number', label: label('金额', 'Amount') },
          { key: 'owner', type: 'text', label: label('负责人', 'Owner') },
        ],
      },
    ],
    roles: ['manager', 'finance', 'sales', 'regional'].map((role) => ({
      key: role,
      label: label(role, role),
      forms: { quotes: { actions: [...member.actions] } },
    })),
    flows,
  }
}

export interface Member {
  id: string
  token: string
}

/** Creates a published quotes app and one member per role (plus `outsider`, a sales member). */
export async function setUpQuotes(api: Api, key: string, flows: FlowDefinition[]) {
  const created = await api.call('POST', '/api/apps', quotesApp(key, flows))
  if (created.status !== 201) throw new Error(JSON.stringify(created.body))
  const published = await api.call('POST', `/api/apps/${key}/publish`, {})
  if (published.status !== 200) throw new Error(JSON.stringify(published.body))
  const users: Record<string, Member> = {}
  for (const [name, role] of [
    ['manager', 'manager'],
    ['finance', 'finance'],
    ['owner', 'sales'],
    ['outsider', 'sales'],
    ['regional', 'regional'],
  ] as const) {
    users[name] = await api.user({ username: `${key}_${name}` })
    const put = await api.call('PUT', `/api/apps/${key}/members/${users[name]!.id}`, { role })
    if (put.status >= 300) throw new Error(JSON.stringify(put.body))
  }
  return users as Record<'manager' | 'finance' | 'owner' | 'outsider' | 'regional', Member>
}
