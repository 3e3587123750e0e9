import type { ColumnSpec } from './plan-columns.js'
import type { FieldType, LocalizedText } from './types.js'

interface StepBase {
  /** Stable across re-planning (`customers.phone:change_type`), so a client can confirm exactly this step. */
  id: string
  form: string
  /** Could lose or change stored data; `reason` says how. */
  lossy: boolean
  reason?: string
}

export interface CreateTableStep extends StepBase {
  kind: 'create_table'
  table: string
  /** Indexes come from the specs' `indexed`/`unique`/`indexName`; no separate add_index steps follow. */
  columns: ColumnSpec[]
}

export interface ArchiveTableStep extends StepBase {
  kind: 'archive_table'
  table: string
  /** New table name; the data stays and `restore_table` brings it back. */
  to: string
  hidesData: true
}

export interface RestoreTableStep extends StepBase {
  kind: 'restore_table'
  from: string
  table: string
}

export interface AddColumnStep extends StepBase {
  kind: 'add_column'
  field: string
  table: string
  column: ColumnSpec
}

export interface AddIndexStep extends StepBase {
  kind: 'add_index'
  field: string
  table: string
  column: string
  name: string
  unique: boolean
}

export interface DropIndexStep extends StepBase {
  kind: 'drop_index'
  field: string
  table: string
  name: string
  unique: boolean
}

export interface ChangeTypeStep extends StepBase {
  kind: 'change_type'
  field: string
  table: string
  column: string
  fromType: FieldType
  toType: FieldType
  /** SQL column types; equal when only the field type changed (text → phone). */
  from: string
  to: string
  /** The server must verify that every existing value casts before altering the column. */
  castCheck: boolean
  /** Same column, new rules: existing values may not pass the new type's validation; report them. */
  revalidate?: boolean
  /** Old values are not kept (the field is now computed): alter with `USING NULL`, then recompute. */
  discardValues?: boolean
}

export interface ChangeReferenceStep extends StepBase {
  kind: 'change_reference'
  field: string
  table: string
  column: string
  references: { form: string; onDelete: 'restrict' | 'set_null' }
}

export interface RenameLabelStep extends StepBase {
  kind: 'rename_label'
  /** Absent for the form's own label. */
  field?: string
  from: LocalizedText
  to: LocalizedText
}

export interface ChangeOptionsStep extends StepBase {
  kind: 'change_options'
  field: string
  added: string[]
  /** Values records may still hold; lossy for select/multi_select. */
  removed: string[]
  /** Options whose label or colour changed. */
  changed: string[]
}

export interface UpdateFieldStep extends StepBase {
  kind: 'update_field'
  field: string
  /** FieldDef properties that changed without touching the database (required, conditions, limits…). */
  changes: string[]
}

export interface ArchiveColumnStep extends StepBase {
  kind: 'archive_column'
  field: string
  table: string
  column: string
  /** New column name; data is kept and `restore_column` brings it back. */
  to: string
  hidesData: true
}

export interface RestoreColumnStep extends StepBase {
  kind: 'restore_column'
  field: string
  table: string
  from: string
  to: string
}

export interface RecomputeStep extends StepBase {
  kind: 'recompute'
  field: string
  table: string
  column: string
  /** formula/rollup: recompute values; auto_number: number the existing rows. */
  fieldType: FieldType
}

export type MigrationStep =
  | CreateTableStep
  | ArchiveTableStep
  | RestoreTableStep
  | AddColumnStep
  | AddIndexStep
  | DropIndexStep
  | ChangeTypeStep
  | ChangeReferenceStep
  | RenameLabelStep
  | ChangeOptionsStep
  | UpdateFieldStep
  | ArchiveColumnStep
  | RestoreColumnStep
  | RecomputeStep

export type MigrationStepKind = MigrationStep['kind']

/** The order steps run in: drops and restores first, structure next, data-only steps last. */
export const STEP_ORDER: readonly MigrationStepKind[] = [
  'restore_table',
  'create_table',
  'drop_index',
  'restore_column',
  'add_column',
  'change_type',
  'change_reference',
  'change_options',
  'rename_label',
  'update_field',
  'add_index',
  'archive_column',
  'archive_table',
  'recompute',
]

export function sortSteps(steps: MigrationStep[]): MigrationStep[] {
  // Array.prototype.sort is stable, so steps of one kind keep their form and field order.
  return [...steps].sort((a, b) => STEP_ORDER.indexOf(a.kind) - STEP_ORDER.indexOf(b.kind))
}
