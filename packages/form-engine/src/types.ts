/**
 * The app definition's form model. Forms are runtime data (designed in the browser, stored as JSON),
 * so these types stay plain: no generics over field maps.
 */

/** Condition language everywhere: JsonLogic (see @trellis/rule-engine). */
export type JsonLogic = unknown

/** `{ 'zh-CN': '客户', en: 'Customer' }` — zh-CN first; en expected; other locales optional. */
export type LocalizedText = Record<string, string>

export type FieldType =
  | 'text'
  | 'long_text'
  | 'number'
  | 'decimal'
  | 'currency'
  | 'percent'
  | 'boolean'
  | 'date'
  | 'datetime'
  | 'select'
  | 'multi_select'
  | 'tags'
  | 'email'
  | 'phone'
  | 'url'
  | 'user'
  | 'relation'
  | 'formula'
  | 'rollup'
  | 'attachment'
  | 'auto_number'

export interface SelectOption {
  /** Stored value; stable once records use it. */
  value: string
  label: LocalizedText
  color?: string
}

export type RollupAggregate = 'count' | 'sum' | 'min' | 'max' | 'avg'

export interface RollupDef {
  /** The child form holding a relation field that points at this form. */
  form: string
  /** The relation field on the child form (e.g. orders.customer). */
  via: string
  aggregate: RollupAggregate
  /** The child field aggregated (not needed for count). */
  field?: string
  /** Optional JsonLogic over the child record (e.g. only paid orders). */
  where?: JsonLogic
}

export interface FieldDef {
  /** Stable, never reused; names the column. `^[a-z][a-z0-9_]{0,62}$`, not a system field name. */
  key: string
  type: FieldType
  label: LocalizedText
  description?: LocalizedText
  required?: boolean
  unique?: boolean
  indexed?: boolean
  default?: unknown
  /** select / multi_select (tags accept free values, options are suggestions). */
  options?: SelectOption[]
  /** relation: many-to-one to another form of the same app. */
  relation?: { form: string; onDelete?: 'restrict' | 'set_null' }
  /** formula: JsonLogic over the same record, computed on write. */
  formula?: JsonLogic
  /** formula: the type of its result, which decides its column. */
  resultType?: 'text' | 'number' | 'decimal' | 'boolean' | 'date' | 'datetime'
  rollup?: RollupDef
  /** decimal/currency: digits after the point (default 2). */
  scale?: number
  /** currency code, e.g. CNY (default). */
  currency?: string
  /** text limits. */
  maxLength?: number
  min?: number
  max?: number
  /** number: whole numbers only (stored as `bigint` instead of `double precision`). */
  integer?: boolean
  /** auto_number: `{ prefix: 'KH', digits: 6 }` → KH000001. */
  autoNumber?: { prefix?: string; digits?: number }
  /** attachment limits. */
  attachment?: { maxFiles?: number; maxBytes?: number; accept?: string[] }
  visibleWhen?: JsonLogic
  requiredWhen?: JsonLogic
  /**
   * select: the options are the ordered stages of a pipeline. `noSkip` refuses an update that moves forward
   * past the next stage (`field.stage_skipped`); `exits` are options outside the order (lost), reachable
   * from any stage; `enteredAt` names a datetime field stamped with the time whenever the stage changes.
   */
  pipeline?: PipelineDef
  /** Personal data: masked, exported and erased on request. */
  pii?: boolean
  /** Set by a migration when the field is removed: the column is kept (renamed) and can be restored. */
  archived?: boolean
  /** Set with `archived`: the column's name while archived (see `applyArchives`). */
  archivedColumn?: string
}

export interface PipelineDef {
  noSkip?: boolean
  exits?: string[]
  enteredAt?: string
}

export interface FormSchema {
  key: string
  label: LocalizedText
  fields: FieldDef[]
  /** Field shown as the record's title (in relation pickers, timelines). */
  titleField?: string
  /** Set by a migration when the form is removed: the table is kept (renamed) and can be restored. */
  archived?: boolean
  /** Set with `archived`: the table's name while archived. */
  archivedTable?: string
  /** Pre-aggregated counts and sums kept up to date by the database, read by reports (see plan-summaries). */
  summaries?: SummaryDef[]
}

/**
 * A summary of a form: its records counted (and `sums` fields summed) per combination of `dimensions`, kept
 * current by triggers on the form's table, so a report grouping and filtering by those fields reads a few
 * thousand rows instead of every record.
 */
export interface SummaryDef {
  key: string
  dimensions: string[]
  sums?: string[]
}

export interface AppDefinition {
  key: string
  name: LocalizedText
  /** IANA zone for date logic; default Asia/Shanghai. */
  timeZone?: string
  forms: FormSchema[]
  flows?: unknown[]
  rules?: unknown[]
  reports?: unknown[]
  dashboards?: unknown[]
  roles?: RoleDef[]
  i18n?: Record<string, Record<string, string>>
}

export type FormAction = 'read' | 'create' | 'update' | 'delete' | 'export' | 'import'

/** What one role may do with one form. Field lists name field keys. */
export interface FormPermission {
  actions: FormAction[]
  /** Row scope: JsonLogic over the record with `$user.*` variables; only matching records exist for the role. */
  scope?: JsonLogic
  /** Never shown, never filterable or sortable, never writable. */
  hidden?: string[]
  /** Shown, not writable. */
  readOnly?: string[]
  /** Shown masked (`138****8000`), not filterable or sortable. */
  masked?: string[]
  /**
   * Fields masked only on records where the JsonLogic condition holds (`{ phone: { '==': [{ var: 'tier' }, 'S'] } }`):
   * never filterable or sortable, and masked whenever the condition cannot be decided (its fields absent).
   */
  maskedWhen?: Record<string, JsonLogic>
}

/** An app role; users are assigned roles per app. Platform admins bypass roles. */
export interface RoleDef {
  key: string
  label: LocalizedText
  forms: Record<string, FormPermission>
}
