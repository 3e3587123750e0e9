/** Who is making a request, resolved once per request from a session cookie or an API token. */
export interface Viewer {
  userId: string
  username: string
  isAdmin: boolean
  /** Values row scopes read as `$user.<name>` (plus `id` and `username`). */
  attributes: Record<string, unknown>
  via: 'session' | 'token'
  /** API tokens carry scopes; sessions have every scope of their user. */
  scopes: ReadonlySet<string> | 'all'
  sessionId?: string
  csrfToken?: string
}

/** `$user` as conditions see it. */
export function userContext(viewer: Viewer): Record<string, unknown> {
  return { ...viewer.attributes, id: viewer.userId, username: viewer.username }
}
