import { useCallback, useEffect, useRef, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { tasksApi, type Notification } from '../../api/tasks'
import { navigate } from '../../router'
import { badgeText, lastSeen, markSeen, POLL_MS, unreadCount } from './notifications-state'
import styles from './notifications.module.css'

/**
 * The bell in the workspace menu: my new tasks, tasks past their due time and my tasks escalated to
 * someone else. Polled every 30 s and when the window regains focus (see notifications-state.ts).
 */
export function NotificationBell({ appKey }: { appKey: string }) {
  const { t, i18n } = useTranslation()
  const [items, setItems] = useState<Notification[]>([])
  const [seen, setSeen] = useState(() => lastSeen(appKey))
  const [open, setOpen] = useState(false)
  const now = useRef<string | undefined>(undefined)

  const poll = useCallback(async () => {
    try {
      const feed = await tasksApi.notifications(appKey)
      setItems(feed.items)
      now.current = feed.now
    } catch {
      // A failed poll keeps the last list; the next one tries again.
    }
  }, [appKey])

  useEffect(() => {
    void poll()
    const timer = window.setInterval(() => void poll(), POLL_MS)
    const onFocus = () => void poll()
    window.addEventListener('focus', onFocus)
    return () => {
      window.clearInterval(timer)
      window.removeEventListener('focus', onFocus)
    }
  }, [poll])

  const unread = unreadCount(items, seen)
  const toggle = () => {
    if (!open && now.current) {
      markSeen(appKey, now.current)
      setSeen(now.current)
    }
    setOpen(!open)
  }

  return (
    <div className={styles.bell}>
      <button
        type="button"
        className={styles.button}
        aria-expanded={open}
        aria-label={t('notifications.label', { count: unread })}
        data-testid="notification-bell"
        onClick={toggle}
      >
        <svg className={styles.icon} viewBox="0 0 24 24" aria-hidden="true">
          <path d="M12 3a6 6 0 0 0-6 6v4l-2 3h16l-2-3V9a6 6 0 0 0-6-6Zm-2 15a2 2 0 0 0 4 0" />
        </svg>
        <span className={styles.text}>{t('notifications.title')}</span>
        {unread > 0 && (
          <span className={styles.count} data-testid="notification-count">
            {badgeText(unread)}
          </span>
        )}
      </button>
      {open && (
        <div className={styles.panel} role="dialog" aria-label={t('notifications.title')}>
          {items.length === 0 ? (
            <p className={styles.empty}>{t('notifications.none')}</p>
          ) : (
            <ul className={styles.list}>
              {items.slice(0, 20).map((item) => (
                <li key={`${item.kind}-${item.taskId}`}>
                  <button
                    type="button"
                    className={styles.item}
                    data-kind={item.kind}
                    onClick={() => {
                      setOpen(false)
                      navigate({ page: 'workspace', app: appKey, view: 'inbox', rest: [] })
                    }}
                  >
                    <span className={styles.kind}>{t(`notifications.kinds.${item.kind}`)}</span>
                    <span>{item.name ?? item.flow}</span>
                    <span className={styles.when}>{new Date(item.at).toLocaleString(i18n.language)}</span>
                  </button>
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </div>
  )
}
