import { sql, type RawBuilder } from 'kysely'

/**
 * The audit action of one import batch's creates: one entry, `after.ids` listing the new records
 * (imports/batch-insert.ts). Every other record write has its own entry with the record's id.
 */
export const importCreatedAction = 'import.created'

/**
 * The audit entries about some records of one form, as a WHERE condition on `trellis.audit_log`: their
 * own entries, and the import batches that created them (through the GIN index of migration 0016).
 * Every reader of a record's history goes through here, so none forgets the batch entries.
 */
export function auditOfRecords(form: string, ids: readonly string[], alias?: string): RawBuilder<unknown> {
  const column = (name: string) => sql.ref(alias ? `${alias}.${name}` : name)
  return sql`(${column('form_key')} = ${form} and (${column('record_id')} = any(${ids}::text[])
    or (${column('action')} = ${sql.lit(importCreatedAction)} and (${column('after')} -> 'ids') ?| ${ids}::text[])))`
}
