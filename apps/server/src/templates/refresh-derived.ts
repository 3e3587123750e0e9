import { computeFormulas, type FieldDef } from '@trellis/form-engine'
import { sql } from 'kysely'
import type { CompiledForm, PublishedApp } from '../apps/published-app.js'
import type { DynamicDb } from '../db/dynamic.js'
import { rowToJson, toColumnValue, type Row } from '../records/record-json.js'
import { recomputeRollup } from '../records/rollups.js'
import { fieldOfName, readNames, type MinePairsConfig, type ScoreRfmConfig } from '@trellis/rule-engine'
import { minePairs } from '../automation/mine-pairs.js'
import { scoreRfm } from '../automation/score-rfm.js'

/** Formulas reading a rollup of their own form: they must be recomputed after the rollups are. */
function formulasOverRollups(form: CompiledForm): FieldDef[] {
  const rollups = new Set([...form.fields.values()].filter((f) => f.type === 'rollup').map((f) => f.key))
  return [...form.fields.values()].filter(
    (f) => f.type === 'formula' && [...readNames(f.formula)].some((name) => rollups.has(fieldOfName(name))),
  )
}

/**
 * After a bulk load: every rollup recomputed once over the whole table (one UPDATE each, instead of
 * once per child record), then the formulas that read rollups, in keyset batches. Returns how many
 * rollup and formula fields were refreshed.
 */
export async function refreshDerived(
  db: DynamicDb,
  app: PublishedApp,
): Promise<{ rollups: number; formulas: number }> {
  let rollups = 0
  let formulas = 0
  for (const form of app.definition.forms) {
    if (form.archived) continue
    const compiled = app.form(form.key)
    for (const field of compiled.fields.values()) {
      if (field.type !== 'rollup') continue
      await db.transaction().execute((trx) => recomputeRollup(trx, app, { parent: compiled, field }))
      rollups++
    }
  }
  for (const form of app.definition.forms) {
    if (form.archived) continue
    const compiled = app.form(form.key)
    const fields = formulasOverRollups(compiled)
    if (!fields.length) continue
    await db.transaction().execute((trx) => recomputeFormulas(trx, app, compiled, fields))
    formulas += fields.length
  }
  return { rollups, formulas }
}

async function recomputeFormulas(db: DynamicDb, app: PublishedApp, form: CompiledForm, fields: FieldDef[]) {
  const table = sql.table(`${app.schema}.${form.plan.table}`)
  const specs = fields.map((f) => form.columns.get(f.key)!)
  let last = '0'
  for (;;) {
    const { rows } = await sql<Row>`select * from ${table} where id > ${last} order by id limit 5000`.execute(
      db,
    )
    if (!rows.length) return
    last = String(rows[rows.length - 1]!.id)
    const computed = rows.map((row) => computeFormulas(form.schema, rowToJson(row, form)))
    const sets = specs.map((spec, i) => sql`${sql.ref(spec.column)} = ${sql.ref(`v.c${i + 1}`)}`)
    const params = [
      sql`${rows.map((r) => String(r.id))}::bigint[]`,
      ...specs.map(
        (spec, i) =>
          sql`${computed.map((values) => toColumnValue(values[fields[i]!.key], spec.sqlType) ?? null)}::${sql.raw(spec.sqlType)}[]`,
      ),
    ]
    const aliases = params.map((_, i) => sql.ref(`c${i}`))
    await sql`update ${table} as t set ${sql.join(sets)}
      from unnest(${sql.join(params)}) as v(${sql.join(aliases)}) where t.id = v.c0`.execute(db)
  }
}

/**
 * After a bulk load: what the app's rules compute from reports on a schedule, computed once now, as the weekly
 * rules would, so a fresh install shows it: `score_rfm` (the customers' RFM scores and segment, without events:
 * loading data is not a business event, the bulk insert emits none either) and `mine_pairs` (the product pairs,
 * written through the record writer as the rule writes them). Returns how many actions ran.
 */
export async function runReportActions(db: DynamicDb, app: PublishedApp, now: Date): Promise<number> {
  let ran = 0
  const timeZone = app.definition.timeZone ?? 'Asia/Shanghai'
  for (const rule of (app.definition.rules ?? []) as Array<{
    key: string
    enabled?: boolean
    actions?: unknown[]
  }>) {
    if (rule.enabled === false) continue
    for (const action of (rule.actions ?? []) as Array<{ type?: string }>) {
      if (action?.type === 'score_rfm')
        await db
          .transaction()
          .execute((trx) => scoreRfm(trx, app, action as ScoreRfmConfig, { now, events: false, timeZone }))
      else if (action?.type === 'mine_pairs')
        await db
          .transaction()
          .execute((trx) =>
            minePairs(trx, app, action as MinePairsConfig, { now, actor: `rule:${rule.key}` }),
          )
      else continue
      ran++
    }
  }
  return ran
}
