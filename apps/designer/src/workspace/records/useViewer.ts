import { useEffect, useState } from 'react'
import { authApi } from '../../api/auth'
import { workspaceApi } from '../../api/workspace'

export interface ViewerInfo {
  username: string
  /** The viewer's role in the app; null for platform administrators. */
  role: string | null
}

const cache = new Map<string, Promise<ViewerInfo>>()

/** Who is looking (for "assign to me" and sharing views with one's role), asked once per app and page. */
export function useViewer(appKey: string): ViewerInfo | null {
  const [viewer, setViewer] = useState<ViewerInfo | null>(null)
  useEffect(() => {
    let cancelled = false
    let pending = cache.get(appKey)
    if (!pending) {
      pending = Promise.all([authApi.me(), workspaceApi.published(appKey)]).then(([user, published]) => ({
        username: user?.username ?? '',
        role: published.role,
      }))
      cache.set(appKey, pending)
      pending.catch(() => cache.delete(appKey))
    }
    pending.then(
      (info) => !cancelled && setViewer(info),
      () => undefined,
    )
    return () => {
      cancelled = true
    }
  }, [appKey])
  return viewer
}
