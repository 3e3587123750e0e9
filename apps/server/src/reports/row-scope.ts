import type { PivotSpec } from '@trellis/report-engine'
import { readNames, type JsonLogic } from '@trellis/rule-engine'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { PublishedApp } from '../apps/published-app.js'
import type { FormAccess } from '../auth/access.js'
import type { AccessService } from '../auth/access-service.js'
import { requireScope } from '../auth/authenticate.js'
import { userContext, type Viewer } from '../auth/viewer.js'
import { AppError } from '../http/errors.js'

/** What a pivot compiles with for one viewer: `CompileOptions.rowScope` and `formScopes`. */
export interface PivotAccess {
  /** The viewer's row scope on the source form, `$user` bound; none for full access. */
  rowScope?: JsonLogic
  /** Row scopes of every other form of the app the viewer is restricted on (`false`: may not read it). */
  formScopes?: Record<string, JsonLogic>
  viewer: Viewer
}

/** A form a viewer may not read at all: a join into it reads as an empty relation. */
const NOTHING: JsonLogic = false

/**
 * Row-level access for pivots and drill-downs. The source form's scope is AND-ed into the source filter
 * before aggregation; every other form's scope goes into its join (a record outside it reads as an empty
 * relation, as `expand` embeds it as null) and into `related` aggregates (only records inside are counted).
 * So a clerk's totals only ever count, group by and filter on what the clerk may see.
 *
 * Before compiling, every field the spec reads is checked per form along its path: a form the role may not
 * read is 403 FORBIDDEN; a hidden or masked field (used as a dimension, measure, filter, join or window
 * field, which would let its values be inferred) is 400 FIELD_UNKNOWN, as in the records API.
 */
export async function pivotAccessFor(
  server: FastifyInstance,
  request: FastifyRequest,
  app: PublishedApp,
  spec: PivotSpec,
): Promise<PivotAccess> {
  const viewer = requireScope(request, 'records:read')
  return pivotAccessOf(server.trellis.access, viewer, app, spec)
}

/**
 * As pivotAccessFor, for a viewer already authenticated (dashboard widgets, exports). With `export`, the role
 * needs the export permission on the source and on every joined or related form the spec reads.
 */
export async function pivotAccessOf(
  access: AccessService,
  viewer: Viewer,
  app: PublishedApp,
  spec: PivotSpec,
  action: 'read' | 'export' = 'read',
): Promise<PivotAccess> {
  const accessOf = await access.resolver(app, viewer)
  const source = typeof spec?.source === 'string' && app.hasForm(spec.source) ? spec.source : undefined
  // An unknown source form is left for the engine to report (404 PIVOT_INVALID).
  if (!source) return { viewer }
  const sourceAccess = accessOf(app.form(source))
  if (sourceAccess.full) return { viewer }
  sourceAccess.require('read')
  sourceAccess.require(action)
  const formAccess = (key: string): FormAccess | undefined =>
    app.hasForm(key) ? accessOf(app.form(key)) : undefined

  checkFields(app, spec, source, formAccess, action)

  const user = userContext(viewer)
  const formScopes: Record<string, JsonLogic> = {}
  for (const form of app.definition.forms) {
    const restricted = formAccess(form.key)
    if (!restricted || form.archived) continue
    if (!restricted.can('read')) formScopes[form.key] = NOTHING
    else {
      const scope = restricted.scopeLogic(user)
      if (scope !== undefined) formScopes[form.key] = scope
    }
  }
  const rowScope = sourceAccess.scopeLogic(user)
  return { viewer, formScopes, ...(rowScope !== undefined ? { rowScope } : {}) }
}

function unknownField(ref: string, path: string): never {
  throw new AppError(400, 'FIELD_UNKNOWN', `Unknown field "${ref}"`, path)
}

/** Walks every field reference through its forms, refusing unreadable forms and hidden or masked fields. */
function checkFields(
  app: PublishedApp,
  spec: PivotSpec,
  source: string,
  formAccess: (key: string) => FormAccess | undefined,
  action: 'read' | 'export',
): void {
  const related = spec.related && typeof spec.related === 'object' ? spec.related : {}
  // An export needs the export permission on every form whose values it carries, not only the source.
  const readable = (key: string) => {
    const access = formAccess(key)
    access?.require('read')
    access?.require(action)
    return access
  }
  const checkPath = (ref: string, path: string) => {
    if (ref.startsWith('window:')) return // its own fields are checked with spec.windows
    const parts = ref.split('.')
    const sourceForm = app.form(source)
    if (parts.length === 2 && Object.hasOwn(related, parts[0]!) && !sourceForm.fields.has(parts[0]!)) return
    let formKey = source
    for (const [i, key] of parts.entries()) {
      const access = readable(formKey)
      if (!access) return // unknown forms and fields are the engine's to report
      if (!access.canSortOrFilter(key)) unknownField(ref, path)
      if (i === parts.length - 1) return
      const field = app.form(formKey).fields.get(key)
      if (field?.type !== 'relation' || !field.relation) return
      formKey = field.relation.form
    }
  }
  for (const [ref, path] of fieldRefs(spec)) checkPath(ref, path)

  for (const [name, rel] of Object.entries(related)) {
    const path = `spec.related.${name}`
    if (typeof rel?.form !== 'string' || !app.hasForm(rel.form)) continue
    const access = readable(rel.form)!
    const fields: Array<[unknown, string]> = [[rel.via, `${path}.via`]]
    for (const [key, value] of Object.entries(rel.values ?? {}))
      fields.push([value?.field, `${path}.values.${key}.field`])
    for (const ref of fieldReads(rel.filter)) fields.push([ref, `${path}.filter`])
    for (const [ref, at] of fields) {
      if (typeof ref === 'string' && !access.canSortOrFilter(ref)) unknownField(ref, at)
    }
  }
}

/** Every field a spec reads from its source side: dimensions, measures, offsets, windows and conditions. */
function fieldRefs(spec: PivotSpec): Array<[string, string]> {
  const refs: Array<[string, string]> = []
  const add = (ref: unknown, path: string) => {
    if (typeof ref === 'string' && ref !== '') refs.push([ref, path])
  }
  const addVars = (logic: unknown, path: string) => fieldReads(logic).forEach((ref) => add(ref, path))
  ;(['rows', 'columns'] as const).forEach((axis) => {
    ;(Array.isArray(spec[axis]) ? spec[axis] : []).forEach((d, i) => {
      const path = `spec.${axis}.${i}`
      if (!d || typeof d !== 'object') return
      if ('field' in d) add(d.field, `${path}.field`)
      if ('offset' in d) {
        add(d.offset?.from, `${path}.offset.from`)
        add(d.offset?.to, `${path}.offset.to`)
      }
      if ('cases' in d && Array.isArray(d.cases))
        d.cases.forEach((c, j) => addVars(c?.when, `${path}.cases.${j}.when`))
    })
  })
  ;(Array.isArray(spec.measures) ? spec.measures : []).forEach((m, i) => {
    if (!m || typeof m !== 'object') return
    if ('field' in m) add(m.field, `spec.measures.${i}.field`)
    if ('where' in m) addVars(m.where, `spec.measures.${i}.where`)
  })
  for (const [name, w] of Object.entries(
    spec.windows && typeof spec.windows === 'object' ? spec.windows : {},
  )) {
    add(w?.field, `spec.windows.${name}.field`)
    if (w && 'partitionBy' in w && Array.isArray(w.partitionBy))
      w.partitionBy.forEach((p, i) => add(p, `spec.windows.${name}.partitionBy.${i}`))
  }
  addVars(spec.filter, 'spec.filter')
  return refs
}

/** The field names a JsonLogic condition reads (`$…` variables excluded). */
const fieldReads = (logic: unknown): string[] =>
  [...readNames(logic)].filter((name) => name !== '' && !name.startsWith('$'))
