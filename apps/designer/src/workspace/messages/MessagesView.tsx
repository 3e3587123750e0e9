import { useCallback, useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { ApiError } from '../../api/client'
import { messagesApi, type MessageFilter, type MessageStatus, type OutboxMessage } from '../../api/messages'
import { localized } from '../../i18n'
import { Badge } from '../../ui/Badge'
import { Button } from '../../ui/Button'
import { EmptyState } from '../../ui/EmptyState'
import { Select, TextInput } from '../../ui/inputs'
import { Notice } from '../../ui/Notice'
import { Segmented } from '../../ui/Segmented'
import type { WorkspaceViewProps } from '../views'
import view from '../view.module.css'
import styles from './messages.module.css'

const STATUS_TONE = { sent: 'success', failed: 'danger', queued: 'warning', stored: 'neutral' } as const
const CHANNELS = ['sms', 'email', 'wechat', 'in_app'] as const
type StatusFilter = MessageStatus | 'all'

/** The notification outbox: what rules and flows sent, are still sending, or failed to send. */
export default function MessagesView({ appKey, app }: WorkspaceViewProps) {
  const { t, i18n } = useTranslation()
  const [status, setStatus] = useState<StatusFilter>('all')
  const [channel, setChannel] = useState('')
  const [query, setQuery] = useState('')
  const [search, setSearch] = useState('')
  const [messages, setMessages] = useState<OutboxMessage[]>([])
  const [counts, setCounts] = useState<Partial<Record<MessageStatus, number>> | undefined>()
  const [next, setNext] = useState<string | null>(null)
  const [load, setLoad] = useState<'loading' | 'ready' | 'forbidden' | { error: string }>('loading')

  const fetchPage = useCallback(
    async (before?: string) => {
      const filter: MessageFilter = {
        ...(status !== 'all' ? { status } : {}),
        ...(channel ? { channel } : {}),
        ...(search ? { q: search } : {}),
        ...(before ? { before } : {}),
      }
      try {
        const page = await messagesApi.list(appKey, filter)
        setMessages((old) => (before ? [...old, ...page.messages] : page.messages))
        setNext(page.nextBefore)
        setCounts(page.counts)
        setLoad('ready')
      } catch (error) {
        if (error instanceof ApiError && error.status === 403) setLoad('forbidden')
        else setLoad({ error: (error as Error).message })
      }
    },
    [appKey, status, channel, search],
  )

  useEffect(() => {
    void fetchPage()
  }, [fetchPage])

  if (load === 'forbidden') return <EmptyState title={t('messages.forbidden')} />
  const formLabel = (key: string | null) => {
    const form = app.forms.find((f) => f.key === key)
    return form ? localized(form.label, i18n.language) : ''
  }
  const statusLabel = (s: StatusFilter) =>
    counts && s !== 'all' ? `${t(`messages.status.${s}`)} ${counts[s] ?? 0}` : t(`messages.status.${s}`)

  return (
    <div className={view.view}>
      <header className={view.header}>
        <h1 className={view.title}>{t('messages.title')}</h1>
        <Segmented
          label={t('messages.statusFilter')}
          value={status}
          onChange={setStatus}
          options={(['all', 'queued', 'sent', 'failed', 'stored'] as const).map((value) => ({
            value,
            label: statusLabel(value),
          }))}
        />
        <Select
          aria-label={t('messages.channel')}
          value={channel}
          onChange={(e) => setChannel(e.target.value)}
        >
          <option value="">{t('messages.allChannels')}</option>
          {CHANNELS.map((c) => (
            <option key={c} value={c}>
              {t(`messages.channels.${c}`)}
            </option>
          ))}
        </Select>
        <form
          className={styles.search}
          onSubmit={(e) => {
            e.preventDefault()
            setSearch(query.trim())
          }}
        >
          <TextInput
            type="search"
            aria-label={t('messages.search')}
            placeholder={t('messages.search')}
            value={query}
            onChange={(e) => setQuery(e.target.value)}
          />
        </form>
      </header>
      {typeof load === 'object' && <Notice tone="danger">{load.error}</Notice>}
      {load === 'ready' && messages.length === 0 ? (
        <EmptyState title={t('messages.none')} />
      ) : (
        <div className={view.tableWrap}>
          <table className={`${view.table} ${styles.table}`} data-testid="outbox">
            <thead>
              <tr>
                <th>{t('messages.time')}</th>
                <th>{t('messages.channel')}</th>
                <th>{t('messages.to')}</th>
                <th>{t('messages.content')}</th>
                <th>{t('messages.source')}</th>
                <th>{t('messages.state')}</th>
              </tr>
            </thead>
            <tbody>
              {messages.map((m) => (
                <tr key={m.id} data-status={m.status}>
                  <td className={styles.nowrap}>{new Date(m.createdAt).toLocaleString(i18n.language)}</td>
                  <td>{t(`messages.channels.${m.channel}`, { defaultValue: m.channel })}</td>
                  <td className={styles.nowrap}>{m.to}</td>
                  <td className={styles.content}>
                    {m.subject && <strong>{m.subject} </strong>}
                    {m.body}
                  </td>
                  <td className={styles.muted}>
                    {m.rule ?? '—'}
                    {m.recordId && ` · ${formLabel(m.form)} #${m.recordId}`}
                  </td>
                  <td>
                    <Badge tone={STATUS_TONE[m.status] ?? 'neutral'}>
                      {t(`messages.status.${m.status}`)}
                    </Badge>
                    {m.attempts > 0 && (
                      <div className={styles.muted}>{t('messages.attempts', { count: m.attempts })}</div>
                    )}
                    {m.status === 'queued' && m.nextAttemptAt && (
                      <div className={styles.muted}>
                        {t('messages.nextAttempt', {
                          at: new Date(m.nextAttemptAt).toLocaleString(i18n.language),
                        })}
                      </div>
                    )}
                    {m.lastError && <div className={styles.error}>{m.lastError}</div>}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {next && <Button onClick={() => void fetchPage(next)}>{t('messages.more')}</Button>}
    </div>
  )
}
