import type { Notification } from '../../api/tasks'

/** Polled, not pushed: one cheap read a minute per open tab works behind any proxy and across processes. */
export const POLL_MS = 30_000

const key = (app: string) => `trellis.notifications.seen.${app}`

/** The server time of the last look at the bell, per app (this browser). */
export function lastSeen(app: string): string | undefined {
  try {
    return localStorage.getItem(key(app)) ?? undefined
  } catch {
    return undefined
  }
}

export function markSeen(app: string, at: string): void {
  try {
    localStorage.setItem(key(app), at)
  } catch {
    // Private mode without storage: the count simply stays until the next look.
  }
}

/** Items newer than the last look. */
export function unreadCount(items: Notification[], seen: string | undefined): number {
  if (!seen) return items.length
  const since = Date.parse(seen)
  return items.filter((item) => Date.parse(item.at) > since).length
}

/** "99+" past 99, nothing at zero. */
export function badgeText(count: number): string {
  return count <= 0 ? '' : count > 99 ? '99+' : String(count)
}
