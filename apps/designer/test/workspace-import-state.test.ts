import type { FormSchema } from '@trellis/form-engine'
import { describe, expect, it } from 'vitest'
import type { ImportResult, Upload } from '../src/api/imports'
import {
  advance,
  importableFields,
  importReducer,
  initialImport,
  keyCandidates,
  percent,
  previewCell,
  cellMessage,
  type ImportState,
} from '../src/workspace/import/import-state'

const label = (text: string) => ({ 'zh-CN': text, en: text })
const customers: FormSchema & { access: { readOnly: string[] } } = {
  key: 'customers',
  label: label('客户'),
  fields: [
    { key: 'code', type: 'auto_number', label: label('编号') },
    { key: 'name', type: 'text', label: label('姓名') },
    { key: 'phone', type: 'phone', label: label('手机'), unique: true },
    { key: 'tier', type: 'select', label: label('等级'), options: [{ value: 'S', label: label('S') }] },
    { key: 'tags', type: 'tags', label: label('标签') },
  ],
  access: { readOnly: ['tier'] },
}
const upload: Upload = {
  id: 'K2suGC1p-ukqB53D',
  name: 'c.csv',
  size: 60,
  format: 'csv',
  encoding: 'utf-8',
  delimiter: ',',
  hasHeader: true,
  headers: ['姓名', '联系电话', '备注'],
  mapping: { '0': 'name', '1': 'phone' },
  preview: [
    { line: 2, values: { name: '张三', phone: '+8613800138000' }, errors: [] },
    {
      line: 3,
      values: { name: '李四' },
      errors: [
        { field: 'phone', column: 1, code: 'import.invalid_phone', message: '"139" is not a phone number' },
      ],
    },
  ],
}
const result: ImportResult = {
  dryRun: false,
  rows: 2,
  inserted: 1,
  updated: 0,
  unchanged: 0,
  merged: 0,
  rejected: 1,
  blank: 0,
  rejections: [{ line: 3, code: 'import.invalid_phone', reason: 'bad', field: 'phone' }],
}
type Mapping = Extract<ImportState, { upload: unknown }>

describe('import wizard state', () => {
  const mapped = importReducer(importReducer(initialImport, { type: 'uploading', name: 'c.csv' }), {
    type: 'uploaded',
    upload,
  }) as Mapping

  it('starts from the mapping the server matched by header labels', () => {
    expect(mapped).toMatchObject({ step: 'mapping', mapping: { '0': 'name', '1': 'phone' }, keys: [] })
  })

  it('offers only fields entered by hand and writable by the viewer', () => {
    expect(importableFields(customers).map((f) => f.key)).toEqual(['name', 'phone', 'tags'])
  })

  it('maps a field to one column at most, and drops a key whose column is unmapped', () => {
    let state = importReducer(mapped, { type: 'keys', keys: ['phone'] }) as Mapping
    expect(keyCandidates(customers, state.mapping).map((f) => f.key)).toEqual(['phone', 'name'])
    state = importReducer(state, { type: 'map', column: 2, field: 'name' }) as Mapping
    expect(state.mapping).toEqual({ '1': 'phone', '2': 'name' })
    state = importReducer(state, { type: 'map', column: 1, field: '' }) as Mapping
    expect(state.mapping).toEqual({ '2': 'name' })
    expect(state.keys).toEqual([])
  })

  it('shows the upload’s cell errors for the columns it checked, not for columns mapped since', () => {
    const bad = upload.preview[1]!
    expect(previewCell(upload, bad, 1, mapped.mapping)).toMatchObject({
      error: { code: 'import.invalid_phone' },
      stale: false,
    })
    expect(previewCell(upload, upload.preview[0]!, 0, mapped.mapping)).toMatchObject({ value: '张三' })
    expect(previewCell(upload, bad, 1, { '1': 'name' })).toMatchObject({ error: undefined, stale: true })
  })

  it('says a cell error in the user’s language when the form engine has the words for it', () => {
    const error = upload.preview[1]!.errors[0]!
    expect(cellMessage(error, 'zh-CN')).toBe('请输入有效的电话号码')
    expect(cellMessage(error, 'en')).toBe('Enter a valid phone number')
    expect(cellMessage({ code: 'import.unknown_option', message: '"X" is not an option' }, 'zh-CN')).toBe(
      '"X" is not an option',
    )
  })

  it('follows the progress stream, then keeps the run’s result; a failed run goes back to mapping', () => {
    let state = importReducer(mapped, { type: 'run' })
    expect(state.step).toBe('running')
    state = importReducer(state, { type: 'event', event: { type: 'progress', phase: 'reading', rows: 2 } })
    state = importReducer(state, {
      type: 'event',
      event: { type: 'progress', phase: 'writing', done: 1, total: 2, rate: 250, etaSeconds: 1 },
    })
    const running = state as Mapping
    expect(running.progress).toMatchObject({ phase: 'writing', rate: 250, etaSeconds: 1 })
    expect(percent(running.progress)).toBe(55)
    const done = importReducer(state, { type: 'result', result }) as Mapping
    expect(done).toMatchObject({ step: 'done', result: { rejected: 1 } })
    expect(percent(done.progress)).toBe(100)
    const failed = importReducer(importReducer(mapped, { type: 'run' }), {
      type: 'failed',
      message: 'IMPORT_ABORTED',
    })
    expect(failed).toMatchObject({ step: 'mapping', error: 'IMPORT_ABORTED' })
  })

  it('a result that arrives before any writing event still shows what was written', () => {
    const running = importReducer(mapped, { type: 'run' })
    const done = importReducer(running, {
      type: 'result',
      result: { ...result, inserted: 40, updated: 2 },
    }) as Mapping
    expect(done.progress).toMatchObject({ phase: 'finished', done: 42, total: 42 })
  })

  it('reading counts for the first part of the bar, before anything is written', () => {
    const reading = advance(
      { phase: 'starting', rows: 0, done: 0, total: 0, rate: 0, etaSeconds: null },
      {
        type: 'progress',
        phase: 'reading',
        rows: 5000,
      },
    )
    expect(percent(reading)).toBe(5)
  })
})
