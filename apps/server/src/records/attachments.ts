import { sql } from 'kysely'
import type { CompiledForm } from '../apps/published-app.js'
import type { DynamicDb } from '../db/dynamic.js'
import { AppError } from '../http/errors.js'
import { typeAllowed } from '../routes/files.js'

interface FileRow {
  id: string
  name: string
  size: string
  type: string
}

/**
 * Attachment values name uploaded files by id. The server replaces whatever metadata the client sent
 * with its own (name, size, type), refuses unknown ids and applies the field's limits.
 */
export async function resolveAttachments(
  db: DynamicDb,
  form: CompiledForm,
  values: Record<string, unknown>,
  prefix = '',
): Promise<void> {
  for (const field of form.fields.values()) {
    if (field.type !== 'attachment' || !Array.isArray(values[field.key])) continue
    const items = values[field.key] as Array<{ id?: unknown }>
    const ids = items.map((item) => String(item?.id ?? ''))
    const { rows } = ids.length
      ? await sql<FileRow>`select id, name, size, type from trellis.files where id = any(${ids}::text[])`.execute(
          db,
        )
      : { rows: [] as FileRow[] }
    const byId = new Map(rows.map((row) => [row.id, row]))
    const limits = field.attachment ?? {}
    if (limits.maxFiles !== undefined && ids.length > limits.maxFiles) {
      throw new AppError(
        400,
        'ATTACHMENT_TOO_MANY',
        `At most ${limits.maxFiles} file(s)`,
        `${prefix}${field.key}`,
      )
    }
    values[field.key] = ids.map((id, i) => {
      const file = byId.get(id)
      const path = `${prefix}${field.key}.${i}`
      if (!file) throw new AppError(400, 'ATTACHMENT_NOT_FOUND', `No uploaded file ${id}`, path)
      if (limits.maxBytes !== undefined && Number(file.size) > limits.maxBytes) {
        throw new AppError(
          400,
          'ATTACHMENT_TOO_LARGE',
          `${file.name} is larger than ${limits.maxBytes} bytes`,
          path,
        )
      }
      if (limits.accept?.length && !typeAllowed(file.type, limits.accept)) {
        throw new AppError(
          400,
          'ATTACHMENT_TYPE_REFUSED',
          `${file.name} (${file.type}) is not accepted here`,
          path,
        )
      }
      return { id: file.id, name: file.name, size: Number(file.size), type: file.type }
    })
  }
}
