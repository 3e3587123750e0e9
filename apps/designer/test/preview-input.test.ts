import type { FieldDef } from '@trellis/form-engine'
import { describe, expect, it } from 'vitest'
import { toSampleRecord } from '../src/forms/state/preview-input'

const field = (key: string, type: FieldDef['type']): FieldDef => ({ key, type, label: { en: key } })

describe('preview input', () => {
  it('sends what an API client would, leaving judgement to the validator', () => {
    const fields = [
      field('n', 'number'),
      field('bad', 'number'),
      field('tags', 'tags'),
      field('empty', 'text'),
      field('f', 'formula'),
      field('ok', 'boolean'),
    ]
    expect(
      toSampleRecord(fields, { n: '12', bad: 'abc', tags: 'vip， 新客,', empty: '', f: 'x', ok: false }),
    ).toEqual({
      n: 12,
      bad: 'abc',
      tags: ['vip', '新客'],
      ok: false,
    })
  })
})
