import type { PivotSpec } from '@trellis/report-engine'
import type { JsonLogic } from '@trellis/rule-engine'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { PublishedApp } from '../apps/published-app.js'
import { requireScope } from '../auth/authenticate.js'
import { userContext } from '../auth/viewer.js'
import { AppError } from '../http/errors.js'

/**
 * Row-level access for pivots: the viewer's row scope on the source form, with `$user` values bound, which
 * the pivot AND-s into the source filter before aggregation (`CompileOptions.rowScope`), so totals never
 * count rows the viewer may not see. Full-access viewers get none.
 *
 * For role-based viewers the spec must stay on the source form (no joins through relations, no related or
 * window values: those would read other forms' rows outside their own scopes) and may not use hidden or
 * masked fields anywhere — refused with 403 PIVOT_SCOPE_UNSUPPORTED / FIELD_UNKNOWN rather than leaking.
 */
export async function rowScopeFor(
  server: FastifyInstance,
  request: FastifyRequest,
  app: PublishedApp,
  form: string,
  spec?: PivotSpec,
): Promise<JsonLogic | undefined> {
  const viewer = requireScope(request, 'records:read')
  const accessOf = await server.trellis.access.resolver(app, viewer)
  if (!app.hasForm(form)) return undefined
  const access = accessOf(app.form(form))
  if (access.full) return undefined
  access.require('read')
  if (spec) {
    if (spec.related && Object.keys(spec.related).length) refuse('related values read other forms')
    if (spec.windows && Object.keys(spec.windows).length)
      refuse('window values are not available to roles yet')
    for (const ref of fieldRefs(spec)) {
      if (ref.includes('.')) refuse(`"${ref}" joins another form`)
      if (!access.canSortOrFilter(ref)) {
        throw new AppError(400, 'FIELD_UNKNOWN', `Unknown field "${ref}"`, 'spec')
      }
    }
  }
  return access.scopeLogic(userContext(viewer))
}

function refuse(why: string): never {
  throw new AppError(
    403,
    'PIVOT_SCOPE_UNSUPPORTED',
    `This pivot is not available to your role: ${why}`,
    'spec',
  )
}

/** Every field a spec reads: dimensions, measures, offsets and the vars of its conditions. */
function fieldRefs(spec: PivotSpec): string[] {
  const refs: string[] = []
  const vars = (logic: unknown) => {
    if (Array.isArray(logic)) logic.forEach(vars)
    else if (logic && typeof logic === 'object') {
      for (const [op, arg] of Object.entries(logic)) {
        if (op === 'var') {
          const name = Array.isArray(arg) ? arg[0] : arg
          if (typeof name === 'string' && name !== '' && !name.startsWith('$')) refs.push(name)
        } else vars(arg)
      }
    }
  }
  for (const d of [...(spec.rows ?? []), ...(spec.columns ?? [])]) {
    if ('field' in d) refs.push(d.field)
    if ('offset' in d) refs.push(d.offset.from, d.offset.to)
    if ('cases' in d) d.cases.forEach((c) => vars(c.when))
  }
  for (const m of spec.measures) {
    if ('field' in m && m.field) refs.push(m.field)
    if ('where' in m) vars(m.where)
  }
  vars(spec.filter)
  return refs
}
