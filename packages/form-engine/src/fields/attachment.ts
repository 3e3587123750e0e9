import type { FieldDef } from '../types.js'
import { fail, isPositiveInteger, ok, type ConfigIssue, type FieldTypeModule } from './field-type.js'

export interface AttachmentMeta {
  id: string
  name: string
  size: number
  type: string
}

/** `image/*` matches any image; otherwise the MIME type must match exactly (case-insensitively). */
function accepts(accept: string[], type: string): boolean {
  const mime = type.toLowerCase()
  return accept.some((pattern) => {
    const wanted = pattern.toLowerCase()
    return wanted.endsWith('/*') ? mime.startsWith(wanted.slice(0, -1)) : mime === wanted
  })
}

/** Metadata only: the bytes live in the server's file store, addressed by `id`. */
export const attachmentField: FieldTypeModule = {
  type: 'attachment',
  writable: true,
  sortable: false,
  filterable: false,
  uniqueable: false,
  conditionType: () => 'json',
  column: () => 'jsonb',
  jsonSchema: (field: FieldDef) => {
    const schema: Record<string, unknown> = {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          id: { type: 'string', minLength: 1, maxLength: 200 },
          name: { type: 'string', minLength: 1, maxLength: 255 },
          size: { type: 'integer', minimum: 0 },
          type: { type: 'string', maxLength: 255 },
        },
        required: ['id', 'name', 'size', 'type'],
        additionalProperties: false,
      },
    }
    if (field.attachment?.maxFiles !== undefined) schema.maxItems = field.attachment.maxFiles
    return schema
  },
  normalize: (value, field) => {
    const files = value as AttachmentMeta[]
    const { maxBytes, accept } = field.attachment ?? {}
    for (const [i, file] of files.entries()) {
      if (maxBytes !== undefined && file.size > maxBytes)
        return fail('field.file_too_large', { max: maxBytes }, `${i}.size`)
      if (accept && accept.length > 0 && !accepts(accept, file.type)) {
        return fail('field.file_type_not_allowed', { type: file.type }, `${i}.type`)
      }
    }
    return ok(files.map(({ id, name, size, type }) => ({ id, name, size, type })))
  },
  invalidCode: 'field.invalid_attachment',
  validateConfig: (field) => {
    const limits = field.attachment
    if (limits === undefined) return []
    const issues: ConfigIssue[] = []
    for (const key of ['maxFiles', 'maxBytes'] as const) {
      if (limits[key] !== undefined && !isPositiveInteger(limits[key])) {
        issues.push({ path: `attachment.${key}`, code: 'config.invalid_attachment' })
      }
    }
    return issues
  },
}
