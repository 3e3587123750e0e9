import type { JsonLogic } from '@trellis/rule-engine'
import type { FastifyRequest } from 'fastify'
import type { PublishedApp } from '../apps/published-app.js'

/**
 * HOOK for row-level access: the viewer's row-scope condition on `form` (JsonLogic over its fields), which
 * the pivot AND-s into the source filter before aggregation, so totals never count rows the viewer may not
 * see. Access control is being built separately; until it lands every viewer sees every row, so this
 * returns undefined. Related aggregates (`related`) are not scoped yet either: see docs/reports.md.
 */
export function rowScopeFor(
  _request: FastifyRequest | undefined,
  _app: PublishedApp,
  _form: string,
): JsonLogic | undefined {
  return undefined
}
