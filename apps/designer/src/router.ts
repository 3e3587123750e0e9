import { useSyncExternalStore } from 'react'

/**
 * Two kinds of page (the app list, one app's builder with a tab), so a 30-line router on the History API
 * rather than a routing library; the server already falls back to index.html for client paths.
 */
export type Route =
  | { page: 'apps' }
  | { page: 'builder'; app: string; tab: string }
  /** The published app as its users see it: `/w/<app>/<view>/<more…>` (see workspace/views.ts). */
  | { page: 'workspace'; app: string; view: string; rest: string[] }

export const TABS = ['forms', 'flows', 'rules', 'reports', 'dashboards', 'roles'] as const
export type Tab = (typeof TABS)[number]

export function parseRoute(pathname: string): Route {
  const workspace = /^\/w\/([a-z][a-z0-9_]*)(?:\/(.*?))?\/?$/.exec(pathname)
  if (workspace) {
    const [view = '', ...rest] = (workspace[2] ?? '').split('/').filter(Boolean).map(decodeURIComponent)
    return { page: 'workspace', app: workspace[1]!, view, rest }
  }
  const match = /^\/apps\/([a-z][a-z0-9_]*)(?:\/([a-z]+))?\/?$/.exec(pathname)
  if (!match) return { page: 'apps' }
  const tab = match[2] && (TABS as readonly string[]).includes(match[2]) ? match[2] : 'forms'
  return { page: 'builder', app: match[1]!, tab }
}

export function routePath(route: Route): string {
  if (route.page === 'apps') return '/'
  if (route.page === 'builder') return `/apps/${route.app}/${route.tab}`
  const parts = [route.view, ...route.rest].filter(Boolean).map(encodeURIComponent)
  return `/w/${route.app}${parts.length ? `/${parts.join('/')}` : ''}`
}

const listeners = new Set<() => void>()
const subscribe = (listener: () => void) => {
  listeners.add(listener)
  window.addEventListener('popstate', listener)
  return () => {
    listeners.delete(listener)
    window.removeEventListener('popstate', listener)
  }
}

/** Goes to a route; `search` (without `?`) carries view state such as a drill-down filter. */
export function navigate(route: Route, search = ''): void {
  window.history.pushState(null, '', routePath(route) + (search ? `?${search}` : ''))
  for (const listener of listeners) listener()
}

export function useRoute(): Route {
  const pathname = useSyncExternalStore(subscribe, () => window.location.pathname)
  return parseRoute(pathname)
}
