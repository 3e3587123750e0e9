import type { FastifyRequest } from 'fastify'

/**
 * Who is acting, for audit columns and entries. Identity (sessions, API tokens) is the access-control
 * issue's work; until it lands every request acts anonymously and the audit trail records `null`.
 */
export function actorOf(_request: FastifyRequest): string | null {
  return null
}
