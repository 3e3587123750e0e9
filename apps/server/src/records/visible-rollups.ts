import { fieldOfName, readNames } from '@trellis/rule-engine'
import { computeFormulas, type FieldDef } from '@trellis/form-engine'
import { sql } from 'kysely'
import type { CompiledForm, PublishedApp } from '../apps/published-app.js'
import type { FormAccess } from '../auth/access.js'
import type { DynamicDb } from '../db/dynamic.js'
import { rowToJson, type RecordJson, type Row } from './record-json.js'
import { rollupSubquery } from './rollups.js'

/**
 * Rollups as one viewer may see them. A stored rollup aggregates every child record; a clerk who may read
 * only their store's orders would learn about the other stores' orders from a customer's order count or
 * total spent. For such a viewer those rollups are computed live over the children they may read (one query
 * per rollup per page), formulas reading them are computed again from the live values, and both are kept
 * out of sorting and filtering (the stored values would order or narrow by what the viewer cannot see).
 */
export class VisibleRollups {
  /** Rollups over a child form this viewer reads only partly, with the child's access. */
  private readonly live: Array<{ field: FieldDef; childAccess: FormAccess }>
  /** Those rollups and every formula that depends on one of them, directly or through another formula. */
  readonly restricted: ReadonlySet<string>

  constructor(
    private readonly app: PublishedApp,
    private readonly form: CompiledForm,
    accessOf: (form: CompiledForm) => FormAccess,
  ) {
    this.live = []
    for (const field of form.fields.values()) {
      if (field.type !== 'rollup' || !field.rollup) continue
      const childAccess = accessOf(app.form(field.rollup.form))
      if (childAccess.readsPartially) this.live.push({ field, childAccess })
    }
    this.restricted = this.live.length
      ? dependents(form, new Set(this.live.map((r) => r.field.key)))
      : new Set()
  }

  get active(): boolean {
    return this.live.length > 0
  }

  /** Replaces, in place, the stored rollups (and formulas over them) of table `rows` with the viewer's. */
  async apply(db: DynamicDb, rows: Row[]): Promise<void> {
    if (!this.live.length || !rows.length) return
    const values = await this.liveValues(
      db,
      rows.map((row) => String(row.id)),
    )
    for (const [key, byId] of values) {
      const column = this.form.columns.get(key)!.column
      for (const row of rows) row[column] = byId.get(String(row.id)) ?? null
    }
    const formulas = this.formulas()
    if (!formulas.length) return
    for (const row of rows) {
      const computed = computeFormulas(this.form.schema, rowToJson(row, this.form))
      for (const key of formulas) row[this.form.columns.get(key)!.column] = computed[key] ?? null
    }
  }

  /** The same for records already in API form (a write's response), before hidden fields are removed. */
  async applyToRecords(db: DynamicDb, records: RecordJson[]): Promise<void> {
    if (!this.live.length || !records.length) return
    const values = await this.liveValues(
      db,
      records.map((record) => record.id),
    )
    const rows = records.map((record) => ({ id: record.id }) as Row)
    for (const [key, byId] of values) {
      const column = this.form.columns.get(key)!.column
      rows.forEach((row, i) => {
        row[column] = byId.get(records[i]!.id) ?? null
        // One conversion to API JSON for live and stored values alike.
        records[i]![key] = rowToJson(row, this.form, new Set([key]))[key]
      })
    }
    const formulas = this.formulas()
    for (const record of records) {
      const computed = computeFormulas(this.form.schema, record)
      for (const key of formulas) record[key] = computed[key] ?? null
    }
  }

  private formulas(): string[] {
    return [...this.restricted].filter((key) => this.form.fields.get(key)?.type === 'formula')
  }

  /**
   * For each live rollup, parent id → value as the stored column would hold it: one statement with a
   * subquery per rollup, so a record with five scoped figures costs one round trip, not five.
   */
  private async liveValues(db: DynamicDb, ids: string[]): Promise<Map<string, Map<string, unknown>>> {
    const columns = this.live.map(({ field, childAccess }, i) => {
      const column = this.form.columns.get(field.key)!
      // A form the viewer may not read at all contributes no rows: count 0, sum 0, the others empty.
      const visible = childAccess.can('read') ? childAccess.scopeSql('c') : sql`false`
      // Cast to the stored column's type (from the form engine's column plan), so the API shows the live
      // value exactly as it shows a stored one.
      return sql`${rollupSubquery(this.app, field, visible)}::${sql.raw(column.sqlType)} as ${sql.ref(`v${i}`)}`
    })
    const { rows } = await sql<Record<string, unknown> & { id: string }>`
      select p.id::text as id, ${sql.join(columns)} from unnest(${ids}::bigint[]) as p(id)`.execute(db)
    const result = new Map<string, Map<string, unknown>>()
    this.live.forEach(({ field }, i) =>
      result.set(field.key, new Map(rows.map((row) => [row.id, row[`v${i}`]]))),
    )
    return result
  }
}

/** `keys` and the formula fields that read any of them, transitively. */
function dependents(form: CompiledForm, keys: Set<string>): Set<string> {
  const result = new Set(keys)
  let grew = true
  while (grew) {
    grew = false
    for (const field of form.fields.values()) {
      if (field.type !== 'formula' || result.has(field.key)) continue
      if ([...readNames(field.formula)].some((name) => result.has(fieldOfName(name)))) {
        result.add(field.key)
        grew = true
      }
    }
  }
  return result
}
