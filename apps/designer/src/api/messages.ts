import { request } from './client'

export type MessageStatus = 'stored' | 'queued' | 'sent' | 'failed'

/** One row of the outbox (`GET /api/apps/:app/messages`, apps/server/src/routes/messages.ts). */
export interface OutboxMessage {
  id: string
  rule: string | null
  form: string | null
  recordId: string | null
  channel: string
  to: string
  locale: string
  subject: string | null
  body: string
  marketing: boolean
  status: MessageStatus
  attempts: number
  nextAttemptAt: string | null
  sentAt: string | null
  lastError: string | null
  createdAt: string
}

export interface MessageFilter {
  status?: MessageStatus
  channel?: string
  q?: string
  before?: string
}

export const messagesApi = {
  list: (app: string, filter: MessageFilter) => {
    const search = new URLSearchParams()
    for (const [key, value] of Object.entries(filter)) if (value) search.set(key, String(value))
    const text = search.toString()
    return request<{
      messages: OutboxMessage[]
      nextBefore: string | null
      counts?: Partial<Record<MessageStatus, number>>
    }>('GET', `/api/apps/${encodeURIComponent(app)}/messages${text ? `?${text}` : ''}`)
  },
}
