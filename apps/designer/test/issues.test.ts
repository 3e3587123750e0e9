import type { AppDefinition } from '@trellis/form-engine'
import { describe, expect, it } from 'vitest'
import { publishedFieldPaths } from '../src/builder/published-keys'
import { issueText, issuesByField, placeIssues } from '../src/forms/state/issues'

const app: AppDefinition = {
  key: 'shop',
  name: { en: 'Shop' },
  forms: [
    {
      key: 'customers',
      label: { en: 'Customers' },
      fields: [
        { key: 'name', type: 'text', label: { en: 'Name' } },
        { key: 'tier', type: 'select', label: { en: 'Tier' }, options: [] },
        { key: 'name', type: 'text', label: { en: 'Again' } },
      ],
    },
  ],
}

describe('issues placed on fields', () => {
  // As PUT /draft answers: code, message and path, without the params.
  const fromServer = [
    { code: 'config.options_required', message: 'Add at least one option', path: 'forms.0.fields.1.options' },
    { code: 'field.duplicate_key', message: 'Duplicate field key "name"', path: 'forms.0.fields.2.key' },
    { code: 'app.invalid_key', message: 'Invalid app key', path: 'key' },
  ]

  it('maps index paths to form and field keys and localizes with params borrowed from the local check', () => {
    const placed = placeIssues(app, fromServer)
    expect(placed[0]).toMatchObject({ form: 'customers', field: 'tier', detail: 'options' })
    expect(placed[1]).toMatchObject({ form: 'customers', field: 'name', params: { key: 'name' } })
    expect(placed[2]).toEqual({ code: 'app.invalid_key', message: 'Invalid app key', path: 'key' })
    expect(issueText(placed[0]!, 'zh-CN')).toBe('请至少添加一个选项')
    expect(issueText(placed[1]!, 'zh-CN')).toBe('字段标识“name”重复')
    expect(issueText(placed[1]!, 'en')).toBe('Duplicate field key "name"')
    expect([...issuesByField(placed).keys()]).toEqual(['customers.tier', 'customers.name'])
  })
})

describe('published keys read off the plan', () => {
  it('treats fields the plan does not create as published, and all of them when there is no plan', () => {
    const steps = [
      { id: 'customers.tier:add_column', kind: 'add_column', form: 'customers', field: 'tier', lossy: false },
    ] as never
    expect(publishedFieldPaths(app, null, steps)).toEqual([])
    expect(publishedFieldPaths(app, 1, steps)).toEqual(['customers.name', 'customers.name'])
    expect(publishedFieldPaths(app, 1, undefined)).toHaveLength(3)
    const created = [
      { id: 'customers:create_table', kind: 'create_table', form: 'customers', lossy: false },
    ] as never
    expect(publishedFieldPaths(app, 1, created)).toEqual([])
  })
})
