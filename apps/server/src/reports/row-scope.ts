import type { JsonLogic } from '@trellis/rule-engine'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { PublishedApp } from '../apps/published-app.js'
import { requireScope } from '../auth/authenticate.js'
import { AppError } from '../http/errors.js'

/**
 * HOOK for row-level access: the viewer's row-scope condition on the pivot's source form (JsonLogic over its
 * fields), which the pivot AND-s into the source filter before aggregation (`CompileOptions.rowScope`), so
 * totals never count rows the viewer may not see.
 *
 * Until roles' scopes are mapped here (the source form's scope with `$user` bound, plus the scopes of joined
 * and related forms, and hidden fields refused as dimensions), only viewers with full access (platform
 * admins, the system) may run pivots; anyone else gets 403 PIVOT_SCOPE_UNSUPPORTED rather than unscoped totals.
 */
export async function rowScopeFor(
  server: FastifyInstance,
  request: FastifyRequest,
  app: PublishedApp,
  form: string,
): Promise<JsonLogic | undefined> {
  const viewer = requireScope(request, 'records:read')
  const accessOf = await server.trellis.access.resolver(app, viewer)
  if (!app.hasForm(form) || accessOf(app.form(form)).full) return undefined
  throw new AppError(
    403,
    'PIVOT_SCOPE_UNSUPPORTED',
    'Pivots are not yet available to members with role-based access; ask an administrator',
  )
}
