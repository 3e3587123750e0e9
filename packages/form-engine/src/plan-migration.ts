import {
  archiveName,
  archivedColumnOf,
  columnArchiveNames,
  type ArchiveNameOptions,
} from './archive-names.js'
import { castVerdict } from './cast-rules.js'
import { FormEngineError, appIssue, type AppIssue } from './errors.js'
import { getFieldType } from './fields/registry.js'
import type { FieldContext } from './fields/field-type.js'
import type { MigrationStep } from './migration-steps.js'
import { sortSteps } from './migration-steps.js'
import { fieldColumn, planColumns } from './plan-columns.js'
import { sameJson } from './same-json.js'
import type { AppDefinition, FieldDef, FormSchema } from './types.js'

export interface MigrationOptions extends ArchiveNameOptions {
  /** Apps the forms belong to: needed to type min/max rollups. */
  oldApp?: AppDefinition
  newApp?: AppDefinition
  /** Prefix for error paths, e.g. `forms.2` (default `forms.<key>`). */
  path?: string
  /** Table names that exist today, to avoid reusing an archive name (see archive_table). */
  existingTables?: readonly string[]
}

// Properties whose change is expressed by a dedicated step (or by the column type) rather than update_field.
const STRUCTURAL = new Set([
  'key',
  'type',
  'label',
  'description',
  'options',
  'formula',
  'resultType',
  'rollup',
  'relation',
  'scale',
  'integer',
  'unique',
  'indexed',
  'archived',
  'archivedColumn',
])
const OPTION_TYPES = new Set(['select', 'multi_select', 'tags'])
const RECOMPUTED = new Set(['formula', 'rollup', 'auto_number'])

interface Sides {
  form: string
  oldCtx: FieldContext
  newCtx: FieldContext
  path: (field: string) => string
  steps: MigrationStep[]
  issues: AppIssue[]
}

function recompute(s: Sides, field: FieldDef, reason: string): void {
  s.steps.push({
    id: `${s.form}.${field.key}:recompute`,
    kind: 'recompute',
    form: s.form,
    field: field.key,
    table: s.form,
    column: field.key,
    fieldType: field.type,
    lossy: false,
    reason,
  })
}

function addIndex(s: Sides, field: FieldDef): void {
  const spec = fieldColumn(s.form, field, s.newCtx)
  if (!spec.indexed || !spec.indexName) return
  s.steps.push({
    id: `${s.form}.${field.key}:add_index`,
    kind: 'add_index',
    form: s.form,
    field: field.key,
    table: s.form,
    column: field.key,
    name: spec.indexName,
    unique: spec.unique,
    lossy: false,
    ...(spec.unique ? { reason: 'Fails if existing values are not unique.' } : {}),
  })
}

function changeType(s: Sides, o: FieldDef, n: FieldDef): void {
  if ((o.type === 'relation') !== (n.type === 'relation')) {
    s.issues.push(
      appIssue(s.path(n.key), 'migration.incompatible_type', { field: n.key, from: o.type, to: n.type }),
    )
    return
  }
  if (o.type === 'relation' && o.relation?.form !== n.relation?.form) {
    s.issues.push(
      appIssue(`${s.path(n.key)}.relation.form`, 'migration.relation_target_changed', { field: n.key }),
    )
    return
  }
  const from = getFieldType(o.type).column(o, s.oldCtx)
  const to = getFieldType(n.type).column(n, s.newCtx)
  if (o.type === n.type && from === to) return
  const base = {
    id: `${s.form}.${n.key}:change_type`,
    kind: 'change_type' as const,
    form: s.form,
    field: n.key,
    table: s.form,
    column: n.key,
    fromType: o.type,
    toType: n.type,
    from,
    to,
  }
  const wasComputed = !getFieldType(o.type).writable
  const isComputed = !getFieldType(n.type).writable
  if (isComputed) {
    s.steps.push({
      ...base,
      castCheck: false,
      ...(from !== to ? { discardValues: true } : {}),
      lossy: !wasComputed,
      ...(!wasComputed ? { reason: 'Stored values are replaced by computed ones.' } : {}),
    })
    return
  }
  const verdict = castVerdict(from, to)
  if (!verdict.allowed) {
    s.issues.push(
      appIssue(s.path(n.key), 'migration.incompatible_type', {
        field: n.key,
        from: `${o.type} (${from})`,
        to: `${n.type} (${to})`,
      }),
    )
    return
  }
  s.steps.push({
    ...base,
    castCheck: from !== to,
    ...(from === to ? { revalidate: true } : {}),
    lossy: verdict.lossy,
    ...(verdict.reason ? { reason: verdict.reason } : {}),
  })
}

function changeOptions(s: Sides, o: FieldDef, n: FieldDef): void {
  if (!OPTION_TYPES.has(n.type) || !OPTION_TYPES.has(o.type) || sameJson(o.options ?? [], n.options ?? []))
    return
  const before = new Map((o.options ?? []).map((option) => [option.value, option]))
  const after = new Map((n.options ?? []).map((option) => [option.value, option]))
  const added = [...after.keys()].filter((value) => !before.has(value))
  const removed = [...before.keys()].filter((value) => !after.has(value))
  const changed = [...after.keys()].filter(
    (value) => before.has(value) && !sameJson(before.get(value), after.get(value)),
  )
  // Tags keep any value; for selects a removed option leaves records holding a value no longer allowed.
  const lossy = removed.length > 0 && n.type !== 'tags'
  s.steps.push({
    id: `${s.form}.${n.key}:change_options`,
    kind: 'change_options',
    form: s.form,
    field: n.key,
    added,
    removed,
    changed,
    lossy,
    ...(lossy
      ? {
          reason: `Records holding ${removed.map((v) => `"${v}"`).join(', ')} keep a value that is no longer an option.`,
        }
      : {}),
  })
}

function compareFields(s: Sides, o: FieldDef, n: FieldDef): void {
  changeType(s, o, n)
  const before = fieldColumn(s.form, o, s.oldCtx)
  const after = fieldColumn(s.form, { ...n, archived: false }, s.newCtx)
  if (
    o.type === 'relation' &&
    n.type === 'relation' &&
    o.relation?.form === n.relation?.form &&
    !sameJson(before.references, after.references) &&
    after.references
  ) {
    s.steps.push({
      id: `${s.form}.${n.key}:change_reference`,
      kind: 'change_reference',
      form: s.form,
      field: n.key,
      table: s.form,
      column: n.key,
      references: after.references,
      lossy: false,
    })
  }
  changeOptions(s, o, n)
  if (!sameJson(o.label, n.label) || !sameJson(o.description, n.description)) {
    s.steps.push({
      id: `${s.form}.${n.key}:rename_label`,
      kind: 'rename_label',
      form: s.form,
      field: n.key,
      from: o.label,
      to: n.label,
      lossy: false,
    })
  }
  const keys = new Set([...Object.keys(o), ...Object.keys(n)])
  const changes = [...keys].filter(
    (key) =>
      !STRUCTURAL.has(key) &&
      !sameJson(
        (o as unknown as Record<string, unknown>)[key],
        (n as unknown as Record<string, unknown>)[key],
      ),
  )
  if (changes.length > 0) {
    s.steps.push({
      id: `${s.form}.${n.key}:update_field`,
      kind: 'update_field',
      form: s.form,
      field: n.key,
      changes,
      lossy: false,
    })
  }
  if (before.indexed !== after.indexed || before.unique !== after.unique) {
    if (before.indexed && before.indexName) {
      s.steps.push({
        id: `${s.form}.${n.key}:drop_index`,
        kind: 'drop_index',
        form: s.form,
        field: n.key,
        table: s.form,
        name: before.indexName,
        unique: before.unique,
        lossy: false,
      })
    }
    addIndex(s, n)
  }
  const definitionChanged =
    (n.type === 'formula' &&
      (!sameJson(o.formula, n.formula) || o.resultType !== n.resultType || o.scale !== n.scale)) ||
    (n.type === 'rollup' && !sameJson(o.rollup, n.rollup))
  if (RECOMPUTED.has(n.type) && n.type !== 'auto_number' && (o.type !== n.type || definitionChanged)) {
    recompute(s, n, 'The definition changed.')
  } else if (n.type === 'auto_number' && o.type !== n.type) {
    recompute(s, n, 'Existing records are numbered.')
  }
}

function planFields(s: Sides, oldForm: FormSchema, newForm: FormSchema, options: MigrationOptions): void {
  const archiveNames = columnArchiveNames(oldForm, newForm, options)
  const oldByKey = new Map(oldForm.fields.map((field) => [field.key, field]))
  for (const n of newForm.fields) {
    const o = oldByKey.get(n.key)
    if (n.archived) continue
    if (!o) {
      const column = fieldColumn(s.form, n, s.newCtx)
      s.steps.push({
        id: `${s.form}.${n.key}:add_column`,
        kind: 'add_column',
        form: s.form,
        field: n.key,
        table: s.form,
        column,
        lossy: false,
      })
      addIndex(s, n)
      if (RECOMPUTED.has(n.type))
        recompute(s, n, n.type === 'auto_number' ? 'Existing records are numbered.' : 'New computed field.')
      continue
    }
    if (o.archived) {
      s.steps.push({
        id: `${s.form}.${n.key}:restore_column`,
        kind: 'restore_column',
        form: s.form,
        field: n.key,
        table: s.form,
        from: archivedColumnOf(o),
        to: n.key,
        lossy: false,
      })
    }
    compareFields(s, { ...o, archived: false }, n)
  }
  for (const o of oldForm.fields) {
    const to = archiveNames.get(o.key)
    if (!to) continue
    s.steps.push({
      id: `${s.form}.${o.key}:archive_column`,
      kind: 'archive_column',
      form: s.form,
      field: o.key,
      table: s.form,
      column: o.key,
      to,
      hidesData: true,
      lossy: false,
      reason: `The column is kept as ${to} and can be restored.`,
    })
  }
}

/**
 * The steps that take one form's table from `oldForm` to `newForm` (either may be undefined: a new or a
 * removed form). Throws FormEngineError (code `migration.incompatible_type`, with the field's path) when a
 * type change cannot keep the data.
 */
export function planMigration(
  oldForm: FormSchema | undefined,
  newForm: FormSchema | undefined,
  options: MigrationOptions = {},
): MigrationStep[] {
  const form = (newForm ?? oldForm)?.key
  if (!form) return []
  const steps: MigrationStep[] = []
  const oldLive = oldForm && !oldForm.archived ? oldForm : undefined
  const newLive = newForm && !newForm.archived ? newForm : undefined
  const newCtx: FieldContext = {
    ...(newForm ? { form: newForm } : {}),
    ...(options.newApp ? { app: options.newApp } : {}),
  }
  const oldCtx: FieldContext = {
    ...(oldForm ? { form: oldForm } : {}),
    ...(options.oldApp ? { app: options.oldApp } : {}),
  }

  if (!oldForm && newLive) {
    const plan = planColumns(newLive, options.newApp ? { app: options.newApp } : {})
    return [
      {
        id: `${form}:create_table`,
        kind: 'create_table',
        form,
        table: plan.table,
        columns: plan.columns,
        lossy: false,
      },
    ]
  }
  if (!oldLive && !newLive) return []
  if (oldLive && !newLive) {
    const taken = new Set(options.existingTables ?? [])
    const to = newForm?.archivedTable ?? archiveName(form, taken)
    return [
      {
        id: `${form}:archive_table`,
        kind: 'archive_table',
        form,
        table: form,
        to,
        hidesData: true,
        lossy: false,
        reason: `The table is kept as ${to} and can be restored.`,
      },
    ]
  }
  const before = oldLive ?? { ...oldForm!, archived: false }
  if (!oldLive && oldForm) {
    steps.push({
      id: `${form}:restore_table`,
      kind: 'restore_table',
      form,
      from: oldForm.archivedTable ?? archiveName(form, new Set()),
      table: form,
      lossy: false,
    })
  }
  const after = newLive!
  const fieldIndex = (key: string) => after.fields.findIndex((field) => field.key === key)
  const base = options.path ?? `forms.${form}`
  const sides: Sides = {
    form,
    oldCtx,
    newCtx,
    path: (key) => `${base}.fields.${fieldIndex(key)}.type`,
    steps,
    issues: [],
  }
  if (!sameJson(before.label, after.label)) {
    steps.push({
      id: `${form}:rename_label`,
      kind: 'rename_label',
      form,
      from: before.label,
      to: after.label,
      lossy: false,
    })
  }
  planFields(sides, before, after, options)
  if (sides.issues.length > 0) throw new FormEngineError(sides.issues)
  return sortSteps(steps)
}
