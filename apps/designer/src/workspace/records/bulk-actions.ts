import type { FieldDef } from '@trellis/form-engine'
import type { RecordJson } from '../../api/records'
import type { WorkspaceForm } from '../../api/workspace'

export type BulkKind = 'tag' | 'assign' | 'delete'

/** The field a bulk action writes, when the form has one the viewer may change. */
export function bulkField(form: WorkspaceForm, kind: Exclude<BulkKind, 'delete'>): FieldDef | undefined {
  if (!form.access.actions.includes('update')) return undefined
  const type = kind === 'tag' ? 'tags' : 'user'
  return form.fields.find(
    (f) =>
      f.type === type &&
      !f.archived &&
      !form.access.readOnly.includes(f.key) &&
      !form.access.masked.includes(f.key),
  )
}

export function availableBulkActions(form: WorkspaceForm): BulkKind[] {
  const kinds: BulkKind[] = []
  if (bulkField(form, 'tag')) kinds.push('tag')
  if (bulkField(form, 'assign')) kinds.push('assign')
  if (form.access.actions.includes('delete')) kinds.push('delete')
  return kinds
}

/** The PATCH /bulk items for adding a tag or setting an assignee on the selected records. */
export function bulkUpdates(
  records: RecordJson[],
  field: FieldDef,
  value: string,
): Array<{ id: string; version: number; values: Record<string, unknown> }> {
  return records.flatMap(
    (record): Array<{ id: string; version: number; values: Record<string, unknown> }> => {
      if (field.type === 'tags') {
        const current = Array.isArray(record[field.key]) ? (record[field.key] as string[]) : []
        if (current.includes(value)) return []
        return [{ id: record.id, version: record.version, values: { [field.key]: [...current, value] } }]
      }
      if (record[field.key] === value) return []
      return [{ id: record.id, version: record.version, values: { [field.key]: value } }]
    },
  )
}

/** Bulk writes go 1,000 per request (the API's limit), each request all or nothing. */
export function chunks<T>(items: T[], size = 1000): T[][] {
  const out: T[][] = []
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size))
  return out
}
