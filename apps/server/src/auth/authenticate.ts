import cookie from '@fastify/cookie'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { AppError } from '../http/errors.js'
import { sameSecret } from './secrets.js'
import type { UserService } from './user-service.js'
import type { Viewer } from './viewer.js'

export const sessionCookie = 'trellis_session'

declare module 'fastify' {
  interface FastifyRequest {
    viewer: Viewer | undefined
  }
}

/** Routes anyone may call: liveness, login and "who am I". Everything else under /api needs a viewer. */
const publicRoutes = new Set([
  'GET /api/health',
  'GET /api/health/ready',
  'POST /api/auth/login',
  'GET /api/auth/me',
])
const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS'])

/**
 * Resolves the viewer from `Authorization: Bearer <api token>` or the session cookie, and refuses
 * anonymous API calls. Cookie sessions must echo their CSRF token in `x-csrf-token` on every unsafe
 * request; API tokens are not sent by browsers on their own, so they need none.
 */
export async function registerAuthentication(app: FastifyInstance, users: UserService): Promise<void> {
  await app.register(cookie)
  app.decorateRequest('viewer', undefined)
  app.addHook('onRequest', async (request) => {
    const authorization = request.headers.authorization
    if (authorization !== undefined) {
      const match = /^Bearer\s+(\S+)$/i.exec(authorization)
      request.viewer = match ? await users.viewerFromToken(match[1]!) : undefined
      if (!request.viewer)
        throw new AppError(401, 'TOKEN_INVALID', 'The API token is invalid, expired or revoked')
    } else {
      const session = request.cookies[sessionCookie]
      if (session) request.viewer = await users.viewerFromSession(session)
    }
    const url = request.routeOptions.url
    // Unknown routes fall through to the 404 handler; the designer's pages are public assets.
    if (!request.url.startsWith('/api/') || url === undefined || url === '/*') return
    if (publicRoutes.has(`${request.method} ${url}`)) return
    if (!request.viewer) throw new AppError(401, 'UNAUTHENTICATED', 'Log in first')
    if (request.viewer.via === 'session' && !safeMethods.has(request.method)) {
      const sent = request.headers['x-csrf-token']
      if (typeof sent !== 'string' || !sameSecret(sent, request.viewer.csrfToken ?? '')) {
        throw new AppError(403, 'CSRF_FAILED', 'Missing or wrong x-csrf-token header')
      }
    }
  })
}

export function requireViewer(request: FastifyRequest): Viewer {
  if (!request.viewer) throw new AppError(401, 'UNAUTHENTICATED', 'Log in first')
  return request.viewer
}

/** API tokens act only within their scopes; sessions carry all of their user's rights. */
export function requireScope(request: FastifyRequest, scope: string): Viewer {
  const viewer = requireViewer(request)
  if (viewer.scopes !== 'all' && !viewer.scopes.has(scope)) {
    throw new AppError(403, 'TOKEN_SCOPE', `This API token lacks the ${scope} scope`)
  }
  return viewer
}

export function requireAdmin(request: FastifyRequest, scope = 'apps:admin'): Viewer {
  const viewer = requireViewer(request)
  if (!viewer.isAdmin) throw new AppError(403, 'ADMIN_ONLY', 'Only administrators may do this')
  return requireScope(request, scope)
}
