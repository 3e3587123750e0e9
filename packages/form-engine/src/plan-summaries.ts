import { toConditionScope } from './condition-scope.js'
import type { AppIssue } from './errors.js'
import { appIssue } from './errors.js'
import { fitIdentifier, isValidKey } from './identifiers.js'
import { planColumns } from './plan-columns.js'
import type { AppDefinition, FormSchema, SummaryDef } from './types.js'

/** Row count column of every summary table (a name no field key can take: keys start with a letter). */
export const SUMMARY_COUNT_COLUMN = '__n'

export interface SummaryColumn {
  field: string
  /** The column in both the form's table and the summary tables. */
  column: string
  /** Its type in the summary tables (a date-time dimension is kept as its local day: `date`). */
  sqlType: string
  /** A date-time field kept as the calendar day it falls on in the summary's `timeZone`. */
  localDay?: true
}

export interface SummarySum extends SummaryColumn {
  /** How many of the records had a value (the denominator of an average). */
  countColumn: string
}

/**
 * Where a summary lives and what it holds. Two tables: `table`, the compacted totals (one row per
 * combination of dimension values, unique with NULLS NOT DISTINCT), and `deltaTable`, signed changes appended
 * by the triggers (`fn`) and folded into `table` now and then. A summary's rows are the sum of both: writers
 * only ever insert, so they never wait on each other for a hot (day, store) total.
 */
export interface SummaryPlan {
  form: string
  key: string
  source: string
  table: string
  deltaTable: string
  fn: string
  dimensions: SummaryColumn[]
  sums: SummarySum[]
  /** The zone date-time dimensions' days are taken in: the app's, as the pivots' date buckets. */
  timeZone: string
  /** Changes when the tables' layout would: a republish rebuilds the summary only then. */
  fingerprint: string
}

/** Field types a summary can group by: few distinct values, comparable with `=` (date-times by their local day). */
const DIMENSION_TYPES = new Set(['text', 'number', 'decimal', 'boolean', 'date', 'datetime'])
/** The app's zone when it names none (as the report engine's date buckets). */
export const SUMMARY_DEFAULT_TIME_ZONE = 'Asia/Shanghai'
/** Field types it can sum. */
const SUM_TYPES = new Set(['number', 'decimal'])
export const MAX_SUMMARY_DIMENSIONS = 8

/** Issues with a form's `summaries` (unknown fields, types a summary cannot hold, names too long), with paths. */
export function summaryIssues(form: FormSchema, app: AppDefinition, path: string): AppIssue[] {
  if (form.summaries === undefined) return []
  if (!Array.isArray(form.summaries)) return [appIssue(`${path}.summaries`, 'summary.not_a_list')]
  const issues: AppIssue[] = []
  const scope = toConditionScope(form, { app }).fields
  const live = new Set(form.fields.filter((f) => !f.archived).map((f) => f.key))
  const seen = new Set<string>()
  form.summaries.forEach((summary, i) => {
    const at = `${path}.summaries.${i}`
    if (typeof summary !== 'object' || summary === null) return issues.push(appIssue(at, 'summary.invalid'))
    if (!isValidKey(summary.key) || summary.key.length > 20)
      issues.push(appIssue(`${at}.key`, 'summary.invalid_key'))
    else if (seen.has(summary.key))
      issues.push(appIssue(`${at}.key`, 'summary.duplicate_key', { key: summary.key }))
    seen.add(summary.key)
    const dims = Array.isArray(summary.dimensions) ? summary.dimensions : []
    if (dims.length === 0 || dims.length > MAX_SUMMARY_DIMENSIONS)
      issues.push(appIssue(`${at}.dimensions`, 'summary.dimension_count', { max: MAX_SUMMARY_DIMENSIONS }))
    const sums = summary.sums === undefined ? [] : Array.isArray(summary.sums) ? summary.sums : null
    if (sums === null) issues.push(appIssue(`${at}.sums`, 'summary.not_a_list'))
    const used = new Set<string>()
    const check = (list: unknown[], kind: 'dimensions' | 'sums', types: Set<string>) =>
      list.forEach((field, j) => {
        const fieldPath = `${at}.${kind}.${j}`
        const type = typeof field === 'string' && live.has(field) ? scope[field]?.type : undefined
        if (!type) return issues.push(appIssue(fieldPath, 'config.unknown_field', { field: String(field) }))
        if (used.has(field as string))
          return issues.push(appIssue(fieldPath, 'summary.duplicate_field', { field: String(field) }))
        used.add(field as string)
        if (!types.has(type))
          issues.push(appIssue(fieldPath, `summary.${kind}_type`, { field: String(field) }))
      })
    check(dims, 'dimensions', DIMENSION_TYPES)
    check(sums ?? [], 'sums', SUM_TYPES)
  })
  return issues
}

/** The summaries of a live form, planned (an invalid definition is refused by validateApp before this). */
export function planSummaries(form: FormSchema, app: AppDefinition): SummaryPlan[] {
  if (form.archived || !Array.isArray(form.summaries) || form.summaries.length === 0) return []
  const plan = planColumns(form, { app })
  const columns = new Map(plan.columns.filter((c) => !c.archived).map((c) => [c.field, c]))
  const types = toConditionScope(form, { app }).fields
  const timeZone = app.timeZone ?? SUMMARY_DEFAULT_TIME_ZONE
  return form.summaries.map((summary: SummaryDef) => {
    const column = (field: string): SummaryColumn => {
      const spec = columns.get(field)
      if (!spec) throw new Error(`summary ${summary.key} names unknown field ${field}`)
      return { field, column: spec.column, sqlType: spec.sqlType }
    }
    const dimensions = summary.dimensions.map((field) =>
      types[field]?.type === 'datetime'
        ? { ...column(field), sqlType: 'date', localDay: true as const }
        : column(field),
    )
    const sums = (summary.sums ?? []).map((field) => {
      const c = column(field)
      return { ...c, countColumn: fitIdentifier(`__c_${c.column}`) }
    })
    const name = (tag: string) => fitIdentifier(`${plan.table}__${tag}_${summary.key}`)
    const layout = { v: 1, source: plan.table, dimensions, sums, timeZone }
    return {
      form: form.key,
      key: summary.key,
      source: plan.table,
      table: name('s'),
      deltaTable: name('sd'),
      fn: name('sf'),
      dimensions,
      sums,
      timeZone,
      fingerprint: JSON.stringify(layout),
    }
  })
}
