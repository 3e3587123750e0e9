// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest'
import type { Notification } from '../src/api/tasks'
import {
  badgeText,
  lastSeen,
  markSeen,
  unreadCount,
} from '../src/workspace/notifications/notifications-state'

const item = (at: string): Notification => ({
  kind: 'task',
  taskId: at,
  instanceId: '1',
  app: 'crm',
  flow: 'quote_approval',
  name: '报价审批',
  dueAt: null,
  at,
  record: null,
})

describe('notification bell', () => {
  it('counts what came after the last look, remembered per app', () => {
    const items = [item('2026-03-02T00:00:00.000Z'), item('2026-03-01T00:00:00.000Z')]
    expect(unreadCount(items, undefined)).toBe(2)
    markSeen('crm', '2026-03-01T12:00:00.000Z')
    expect(lastSeen('crm')).toBe('2026-03-01T12:00:00.000Z')
    expect(lastSeen('other')).toBeUndefined()
    expect(unreadCount(items, lastSeen('crm'))).toBe(1)
  })

  it('shows nothing at zero and caps the badge', () => {
    expect([badgeText(0), badgeText(7), badgeText(120)]).toEqual(['', '7', '99+'])
  })
})
