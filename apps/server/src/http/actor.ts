import type { FastifyRequest } from 'fastify'
import { requireScope } from '../auth/authenticate.js'
import type { WriteContext } from '../records/record-store.js'

/** Who is acting, for audit columns and entries: the viewer's username, or null for the system. */
export function actorOf(request: FastifyRequest): string | null {
  return request.viewer?.username ?? null
}

/** The records context of a request: its viewer (checked for the token scope) and actor. */
export function recordContext(
  request: FastifyRequest,
  scope: 'records:read' | 'records:write',
): WriteContext {
  const viewer = requireScope(request, scope)
  return { actor: viewer.username, viewer }
}
