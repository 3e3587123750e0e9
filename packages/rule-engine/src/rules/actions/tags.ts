import { fieldOf, type ActionModule } from './action.js'

interface TagsConfig {
  type: 'add_tags' | 'remove_tags'
  field: string
  tags: string[]
}

const tagTypes = new Set(['tags', 'multi_select'])

function tagsAction(type: 'add_tags' | 'remove_tags'): ActionModule<TagsConfig> {
  return {
    type,
    needsRecord: true,
    configSchema: {
      type: 'object',
      required: ['type', 'field', 'tags'],
      additionalProperties: false,
      properties: {
        type: { const: type },
        field: { type: 'string', minLength: 1 },
        tags: { type: 'array', minItems: 1, items: { type: 'string', minLength: 1 } },
      },
    },
    check(config, ctx) {
      if (!ctx.form) return []
      const field = fieldOf(ctx.form, config.field)
      if (!field)
        return [
          {
            code: 'UNKNOWN_FIELD',
            message: `Form ${ctx.form.key} has no field "${config.field}"`,
            path: 'field',
          },
        ]
      if (!tagTypes.has(field.type))
        return [
          {
            code: 'NOT_A_TAGS_FIELD',
            message: `${config.field} is ${field.type}, not tags or multi-select`,
            path: 'field',
          },
        ]
      return []
    },
    plan(config, input) {
      const current = input.record[config.field]
      const tags = Array.isArray(current) ? current.map(String) : []
      const next =
        type === 'add_tags'
          ? [...tags, ...config.tags.filter((t) => !tags.includes(t))]
          : tags.filter((t) => !config.tags.includes(t))
      return { kind: 'update_record', values: { [config.field]: next } }
    },
  }
}

export const addTags = tagsAction('add_tags')
export const removeTags = tagsAction('remove_tags')
