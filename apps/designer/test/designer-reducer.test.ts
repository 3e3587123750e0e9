import type { AppDefinition } from '@trellis/form-engine'
import { describe, expect, it } from 'vitest'
import {
  currentField,
  currentForm,
  designerReducer,
  initialDesignerState,
  isDirty,
  type DesignerAction,
  type DesignerState,
} from '../src/forms/state/designer-reducer'
import { spanOf } from '../src/forms/state/layout'

const app: AppDefinition = {
  key: 'shop',
  name: { 'zh-CN': '门店', en: 'Shop' },
  forms: [{ key: 'customers', label: { 'zh-CN': '客户', en: 'Customers' }, fields: [] }],
}
const label = (zh: string, en: string) => ({ 'zh-CN': zh, en })
const run = (state: DesignerState, ...actions: DesignerAction[]) => actions.reduce(designerReducer, state)
const keys = (state: DesignerState) => currentForm(state)!.fields.map((field) => field.key)
const add = (type: 'text' | 'phone' | 'select' | 'long_text', zh: string, en: string, index?: number) =>
  ({ type: 'add-field', fieldType: type, label: label(zh, en), index }) as const

describe('designer reducer', () => {
  it('adds dropped fields at the drop position with keys from their English label, and selects them', () => {
    const state = run(
      initialDesignerState(app),
      add('text', '单行文本', 'Text'),
      add('phone', '电话', 'Phone'),
      add('text', '单行文本', 'Text', 0),
    )
    expect(keys(state)).toEqual(['text_2', 'text', 'phone'])
    expect(currentField(state)?.key).toBe('text_2')
    expect(currentForm(state)!.fields[2]).toEqual({
      key: 'phone',
      type: 'phone',
      label: label('电话', 'Phone'),
    })
  })

  it('gives a dropped select one option so that it is valid at once', () => {
    const state = run(initialDesignerState(app), add('select', '单选', 'Single select'))
    expect(currentField(state)?.options).toEqual([{ value: 'option_1', label: label('选项 1', 'Option 1') }])
  })

  it('lets the key follow the English label until the user types a key', () => {
    let state = run(initialDesignerState(app), add('phone', '电话', 'Phone'))
    state = run(state, { type: 'set-label', field: 'phone', lang: 'en', text: 'Mobile number' })
    expect(keys(state)).toEqual(['mobile_number'])
    state = run(state, { type: 'set-label', field: 'mobile_number', lang: 'zh-CN', text: '手机' })
    expect(keys(state)).toEqual(['mobile_number'])
    state = run(state, { type: 'rename-key', field: 'mobile_number', key: 'cell' })
    state = run(state, { type: 'set-label', field: 'cell', lang: 'en', text: 'Cell phone' })
    expect(keys(state)).toEqual(['cell'])
    expect(currentField(state)?.label).toEqual(label('手机', 'Cell phone'))
  })

  it('refuses invalid, reserved, duplicate and published keys', () => {
    const published = {
      ...app,
      forms: [
        { ...app.forms[0]!, fields: [{ key: 'name', type: 'text' as const, label: label('姓名', 'Name') }] },
      ],
    }
    let state = run(initialDesignerState(published, ['customers.name']), add('text', '单行文本', 'Text'))
    for (const key of ['Bad-Key', 'id', 'created_at', 'name', ''])
      expect(keys(run(state, { type: 'rename-key', field: 'text', key }))).toEqual(['name', 'text'])
    state = run(state, { type: 'rename-key', field: 'name', key: 'full_name' })
    expect(keys(state)).toEqual(['name', 'text'])
    // A published field's key does not follow its label either.
    state = run(
      state,
      { type: 'select-field', field: 'name' },
      { type: 'set-label', field: 'name', lang: 'en', text: 'Full name' },
    )
    expect(keys(state)).toEqual(['name', 'text'])
  })

  it('reorders, resizes (clamped to the grid) and carries the span along a key rename', () => {
    let state = run(
      initialDesignerState(app),
      add('text', '甲', 'A'),
      add('text', '乙', 'B'),
      add('long_text', '丙', 'C'),
    )
    expect(spanOf(currentForm(state)!, currentForm(state)!.fields[2]!)).toBe(4)
    state = run(state, { type: 'move-field', from: 'c', to: 'a' })
    expect(keys(state)).toEqual(['c', 'a', 'b'])
    state = run(state, { type: 'set-span', field: 'a', span: 9 }, { type: 'set-span', field: 'b', span: 0 })
    expect(currentForm(state)!.layout).toEqual({ span: { a: 4, b: 1 } })
    state = run(state, { type: 'rename-key', field: 'a', key: 'alpha' })
    expect(currentForm(state)!.layout).toEqual({ span: { alpha: 4, b: 1 } })
    state = run(state, { type: 'remove-field', field: 'alpha' })
    expect(keys(state)).toEqual(['c', 'b'])
    expect(currentForm(state)!.layout).toEqual({ span: { b: 1 } })
  })

  it('undoes a typed label as one step and redoes it; selection is not an undo step', () => {
    let state = run(initialDesignerState(app), add('text', '单行文本', 'Text'))
    for (const text of ['N', 'Na', 'Nam', 'Name'])
      state = run(state, { type: 'set-label', field: currentField(state)!.key, lang: 'en', text })
    state = run(state, { type: 'select-field', field: null })
    expect(keys(state)).toEqual(['name'])
    state = run(state, { type: 'undo' })
    expect(currentForm(state)!.fields[0]).toMatchObject({ key: 'text', label: label('单行文本', 'Text') })
    state = run(state, { type: 'undo' })
    expect(keys(state)).toEqual([])
    expect(run(state, { type: 'undo' }).doc).toBe(state.doc)
    state = run(state, { type: 'redo' }, { type: 'redo' })
    expect(keys(state)).toEqual(['name'])
    // A new edit after undo drops the redo branch.
    state = run(state, { type: 'undo' }, add('phone', '电话', 'Phone'))
    expect(state.doc.future).toEqual([])
  })

  it('knows unsaved work, including that undoing back to the saved definition is clean', () => {
    let state = initialDesignerState(app)
    expect(isDirty(state)).toBe(false)
    state = run(state, add('text', '单行文本', 'Text'))
    expect(isDirty(state)).toBe(true)
    state = run(state, { type: 'undo' })
    expect(isDirty(state)).toBe(false)
    state = run(state, { type: 'redo' }, { type: 'saved', app: state.doc.future[0]!.app })
    expect(isDirty(state)).toBe(false)
  })

  it('locks every key once published, and adds forms only under free, valid keys', () => {
    let state = run(initialDesignerState(app), add('text', '单行文本', 'Text'))
    state = run(state, { type: 'published', app: state.doc.present.app })
    expect(state.locked).toEqual(['customers.text'])
    expect(keys(run(state, { type: 'rename-key', field: 'text', key: 'title' }))).toEqual(['text'])
    expect(run(state, { type: 'add-form', key: 'customers', label: label('重复', 'Dup') })).toBe(state)
    state = run(state, { type: 'add-form', key: 'orders', label: label('订单', 'Orders') })
    expect(currentForm(state)?.key).toBe('orders')
    expect(state.doc.present.app.forms.map((form) => form.key)).toEqual(['customers', 'orders'])
  })
})
