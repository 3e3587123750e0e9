import { coerceCell, type ColumnMapping } from '@trellis/import-engine'
import { sql } from 'kysely'
import type { CompiledForm, PublishedApp } from '../apps/published-app.js'
import type { DynamicDb } from '../db/dynamic.js'
import type { Pending, Rejector } from './run-import.js'

const idPattern = /^[1-9]\d{0,18}$/

/**
 * Resolves the relation cells of a batch to record ids with one query per relation field: by id, or by
 * a key field of the related form (an order row names its customer by phone, normalized as the
 * customer form normalizes it). A related record that does not exist, or a key naming several, rejects
 * the row with its reason; the rows left are returned with ids in place of the cells.
 */
export async function resolveRelations(
  trx: DynamicDb,
  app: PublishedApp,
  form: CompiledForm,
  mapping: ColumnMapping,
  relations: Record<string, string>,
  batch: Pending[],
  reject: Rejector,
): Promise<Pending[]> {
  const fields = Object.values(mapping)
    .map((key) => form.fields.get(key)!)
    .filter((f) => f.type === 'relation' && f.relation)
  let alive = batch
  for (const field of fields) {
    const parent = app.form(field.relation!.form)
    const table = sql.table(`${app.schema}.${parent.plan.table}`)
    const via = relations[field.key]
    const viaField = via ? parent.fields.get(via) : undefined
    const wanted = new Map<Pending, string>()
    const kept: Pending[] = []
    for (const entry of alive) {
      const raw = entry.values[field.key]
      if (raw === undefined) {
        kept.push(entry)
        continue
      }
      const text = String(raw)
      if (viaField) {
        const coerced = coerceCell(viaField, text)
        if (!coerced.ok || coerced.value === undefined) {
          reject(entry, {
            code: 'import.relation_not_found',
            reason: `${field.key}: "${text}" is not a valid ${via}`,
            field: field.key,
          })
          continue
        }
        wanted.set(entry, String(coerced.value))
      } else if (idPattern.test(text)) {
        wanted.set(entry, text)
      } else {
        reject(entry, {
          code: 'import.relation_not_found',
          reason: `${field.key}: "${text}" is not a record id`,
          field: field.key,
        })
        continue
      }
      kept.push(entry)
    }
    const values = [...new Set(wanted.values())]
    const found = new Map<string, string[]>()
    if (values.length) {
      const column = viaField ? sql.ref(parent.columns.get(viaField.key)!.column) : sql.ref('id')
      const { rows } = await sql<{ id: string; k: string }>`select id::text as id, ${column}::text as k
        from ${table} where deleted_at is null and ${column}::text = any(${values}::text[])`.execute(trx)
      for (const row of rows) found.set(row.k, [...(found.get(row.k) ?? []), row.id])
    }
    alive = kept.filter((entry) => {
      const value = wanted.get(entry)
      if (value === undefined) return true
      const ids = found.get(value) ?? []
      if (ids.length === 1) {
        entry.values[field.key] = ids[0]
        return true
      }
      reject(entry, {
        code: ids.length ? 'import.relation_ambiguous' : 'import.relation_not_found',
        reason: ids.length
          ? `${field.key}: ${ids.length} ${parent.schema.key} records have ${via} ${value}`
          : `${field.key}: no ${parent.schema.key} record has ${via ?? 'id'} ${value}`,
        field: field.key,
      })
      return false
    })
  }
  return alive
}
