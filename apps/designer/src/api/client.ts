/** The server's uniform error body (`apps/server/src/http/errors.ts`). */
export interface ErrorBody {
  code: string
  message: string
  path?: string
  details?: unknown
}

export class ApiError extends Error {
  readonly status: number
  readonly code: string
  readonly path: string | undefined
  readonly details: unknown

  constructor(status: number, body: ErrorBody) {
    super(body.message)
    this.name = 'ApiError'
    this.status = status
    this.code = body.code
    this.path = body.path
    this.details = body.details
  }
}

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS'])

// The session itself is an HTTP-only cookie the browser sends; the server also wants its CSRF token echoed
// on every unsafe request, which script must add.
let csrfToken: string | undefined
const unauthenticatedListeners = new Set<() => void>()

export function setCsrfToken(token: string | undefined): void {
  csrfToken = token
}

/** For the few requests that cannot go through `request` (multipart uploads). */
export function getCsrfToken(): string | undefined {
  return csrfToken
}

/** Called when the server answers 401: the session expired or was revoked, so the shell shows the login. */
export function onUnauthenticated(listener: () => void): () => void {
  unauthenticatedListeners.add(listener)
  return () => unauthenticatedListeners.delete(listener)
}

/** Every request goes through here, so the session's headers are added in one place. */
export async function request<T>(method: string, url: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' }
  const init: RequestInit = { method, headers, credentials: 'same-origin' }
  if (body !== undefined) {
    headers['content-type'] = 'application/json'
    init.body = JSON.stringify(body)
  }
  if (!SAFE.has(method) && csrfToken) headers['x-csrf-token'] = csrfToken
  const response = await fetch(url, init)
  if (response.status === 401 && url !== '/api/auth/login')
    for (const listener of unauthenticatedListeners) listener()
  const text = await response.text()
  const parsed: unknown = text ? JSON.parse(text) : undefined
  if (!response.ok) {
    const error =
      parsed && typeof parsed === 'object' && 'code' in parsed
        ? (parsed as ErrorBody)
        : { code: 'HTTP_ERROR', message: `${method} ${url}: ${response.status}` }
    throw new ApiError(response.status, error)
  }
  return parsed as T
}
