import { describe, expect, it } from 'vitest'
import type { InboxTask } from '../src/api/tasks'
import {
  dueState,
  emptyInbox,
  inboxReducer,
  needsComment,
  sortInbox,
} from '../src/workspace/inbox/inbox-state'

const task = (id: string, more: Partial<InboxTask> = {}): InboxTask => ({
  id,
  instanceId: `i${id}`,
  app: 'crm',
  nodeId: 'approve',
  name: `任务 ${id}`,
  assignee: { kind: 'user', value: '9' },
  form: null,
  outcomes: ['approve', 'reject', 'return'],
  returned: null,
  status: 'open',
  dueAt: null,
  createdAt: `2026-03-0${id}T00:00:00.000Z`,
  delegatedTo: null,
  flow: 'quote_approval',
  record: null,
  ...more,
})
const now = new Date('2026-03-05T00:00:00Z')

describe('inbox state', () => {
  it('says overdue past the due time and due soon within a day of it', () => {
    expect(dueState(task('1', { dueAt: '2026-03-04T23:59:59Z' }), now)).toBe('overdue')
    expect(dueState(task('1', { dueAt: '2026-03-05T20:00:00Z' }), now)).toBe('dueSoon')
    expect(dueState(task('1', { dueAt: '2026-03-08T00:00:00Z' }), now)).toBe('due')
    expect(dueState(task('1'), now)).toBeNull()
  })

  it('splits my tasks from my roles’ queue, the most urgent first', () => {
    const { mine, queue } = sortInbox([
      task('1'),
      task('2', { dueAt: '2026-03-06T00:00:00Z' }),
      task('3', { assignee: { kind: 'role', value: 'store_manager' } }),
      task('4', { dueAt: '2026-03-04T00:00:00Z' }),
    ])
    expect(mine.map((t) => t.id)).toEqual(['4', '2', '1'])
    expect(queue.map((t) => t.id)).toEqual(['3'])
  })

  it('selects the most urgent task, keeps the selection across reloads, and moves on after completing', () => {
    let state = inboxReducer(emptyInbox, {
      type: 'loaded',
      tasks: [task('1'), task('2', { dueAt: '2026-03-06T00:00:00Z' })],
    })
    expect(state.selected).toBe('2')
    state = inboxReducer(state, { type: 'select', id: '1' })
    state = inboxReducer(state, { type: 'comment', text: '同意' })
    state = inboxReducer(state, { type: 'loaded', tasks: [task('1'), task('2')] })
    expect(state.selected).toBe('1')
    state = inboxReducer(state, { type: 'completed', id: '1', outcome: 'approve' })
    expect(state).toMatchObject({ selected: '2', comment: '', done: { name: '任务 1', outcome: 'approve' } })
    expect(state.tasks.map((t) => t.id)).toEqual(['2'])
  })

  it('asks for a comment to reject or return, not to approve', () => {
    expect([needsComment('approve'), needsComment('reject'), needsComment('return')]).toEqual([
      false,
      true,
      true,
    ])
  })

  it('a failed action is shown and ends the busy state', () => {
    const busy = inboxReducer(emptyInbox, { type: 'busy' })
    expect(inboxReducer(busy, { type: 'failed', message: 'TASK_CLOSED' })).toMatchObject({
      busy: false,
      error: 'TASK_CLOSED',
    })
  })
})
