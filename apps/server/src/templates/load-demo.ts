import type { TemplateDescriptor } from '@trellis/template-crm-retention'
import { computeFormulas } from '@trellis/form-engine'
import { sql } from 'kysely'
import type { PublishedApp } from '../apps/published-app.js'
import type { DynamicDb } from '../db/dynamic.js'
import { bulkInsert, type BulkRow } from './bulk-insert.js'
import { refreshDerived } from './refresh-derived.js'

export interface DemoLoadReport {
  seed: number
  start: string
  end: string
  /** Records written per form. */
  counts: Record<string, number>
  /** Customers merged into another because their phones normalize to the same number. */
  mergedCustomers: number
  /** Milliseconds per phase. */
  timings: { generate: number; validate: number; insert: number; derive: number; total: number }
}

export class DemoDataError extends Error {
  readonly code = 'DEMO_DATA_INVALID'
}

/**
 * Loads a template's demo data fast: each record validated by the form's compiled validator (so the
 * demo obeys the same rules as API writes: phones normalized, defaults applied), formulas computed,
 * then written with multi-row inserts, one transaction per form; rollups and the formulas over them
 * are recomputed once per field at the end, and one audit entry records the import. No outbox event
 * is written per record: rules must not react to history (20,000 welcome coupons for old customers).
 */
export async function loadDemoData(
  db: DynamicDb,
  app: PublishedApp,
  template: TemplateDescriptor,
  options: { customers?: number; seed?: number; end?: string; actor: string | null },
): Promise<DemoLoadReport> {
  const started = performance.now()
  const { data, merged, order } = template.demo({
    ...(options.customers !== undefined ? { customers: options.customers } : {}),
    ...(options.seed !== undefined ? { seed: options.seed } : {}),
    ...(options.end !== undefined ? { end: options.end } : {}),
  })
  const generated = performance.now()

  let validateMs = 0
  let insertMs = 0
  const counts: Record<string, number> = {}
  for (const formKey of order) {
    const records = data.forms[formKey] ?? []
    const form = app.form(formKey)
    const before = performance.now()
    const rows: BulkRow[] = records.map((record) => {
      const result = form.validate(record.values, { mode: 'create' })
      if (!result.ok) {
        const first = result.errors[0]!
        throw new DemoDataError(`${formKey} #${record.id}: ${first.path}: ${first.message}`)
      }
      return {
        id: record.id,
        createdAt: record.createdAt,
        values: computeFormulas(form.schema, result.value),
      }
    })
    const validated = performance.now()
    await db.transaction().execute((trx) => bulkInsert(trx, app, form, rows, options.actor))
    insertMs += performance.now() - validated
    validateMs += validated - before
    counts[formKey] = rows.length
  }

  const deriving = performance.now()
  await refreshDerived(db, app)
  // Recomputing rollups rewrote every parent row once per rollup: reclaim the dead versions and refresh the
  // planner's statistics, or the first lists scan several times the pages they need.
  for (const form of app.definition.forms) {
    if (form.archived) continue
    await sql`vacuum (analyze) ${sql.table(`${app.schema}.${app.form(form.key).plan.table}`)}`.execute(db)
  }
  const derived = performance.now()

  const report: DemoLoadReport = {
    seed: data.seed,
    start: data.start,
    end: data.end,
    counts,
    mergedCustomers: merged.reduce((n, m) => n + m.merged.length, 0),
    timings: {
      generate: Math.round(generated - started),
      validate: Math.round(validateMs),
      insert: Math.round(insertMs),
      derive: Math.round(derived - deriving),
      total: 0,
    },
  }
  report.timings.total = Math.round(performance.now() - started)
  // One entry for the whole import (form and record "*"): who loaded what, with the duplicates merged.
  await sql`insert into trellis.audit_log (actor, app_key, form_key, record_id, action, before, after)
    values (${options.actor}, ${app.key}, '*', '*', 'import', null, ${JSON.stringify({
      source: `template:${template.key}:demo`,
      ...report,
      merged: merged.slice(0, 100),
    })}::jsonb)`.execute(db)
  return report
}
