import type { FieldDef, FormSchema } from '@trellis/form-engine'
import { describe, expect, it } from 'vitest'
import {
  boardColumns,
  boardReducer,
  cardTitle,
  daysInStage,
  emptyBoard,
  pickBoard,
  type BoardRecord,
} from '../src/workspace/board/board-state'

const label = (text: string) => ({ 'zh-CN': text, en: text })
const stage: FieldDef = {
  key: 'stage',
  type: 'select',
  label: label('阶段'),
  options: ['lead', 'contact', 'demo', 'lost'].map((value) => ({ value, label: label(value) })),
  pipeline: { noSkip: true, exits: ['lost'], enteredAt: 'since' },
}
const deals: FormSchema = {
  key: 'opportunities',
  label: label('商机'),
  titleField: 'title',
  fields: [
    { key: 'title', type: 'text', label: label('名称') },
    stage,
    { key: 'since', type: 'datetime', label: label('x') },
  ],
}
const tickets: FormSchema = {
  key: 'tickets',
  label: label('工单'),
  fields: [
    { key: 'subject', type: 'text', label: label('主题') },
    {
      key: 'priority',
      type: 'select',
      label: label('优先级'),
      options: [{ value: 'high', label: label('高') }],
    },
  ],
}
const card = (id: string, values: Record<string, unknown>): BoardRecord => ({ id, version: 1, ...values })

describe('board state', () => {
  const loaded = boardReducer(emptyBoard, {
    type: 'loaded',
    records: [
      card('1', { title: '年会蛋糕', stage: 'lead' }),
      card('2', { title: '礼盒', stage: 'contact' }),
    ],
  })

  it('puts each record in the column of its option, in option order', () => {
    const columns = boardColumns(loaded.records, stage)
    expect(columns.map((c) => [c.value, c.records.map((r) => r.id)])).toEqual([
      ['lead', ['1']],
      ['contact', ['2']],
      ['demo', []],
      ['lost', []],
    ])
  })

  it('moves a dropped card at once and takes the server’s record when it agrees', () => {
    const moving = boardReducer(loaded, { type: 'move', id: '1', field: 'stage', to: 'contact' })
    expect(moving.records[0]).toMatchObject({ stage: 'contact' })
    expect(moving.pending).toEqual({ '1': 'lead' })
    // A second drop of the same card while the first is in flight is ignored.
    expect(boardReducer(moving, { type: 'move', id: '1', field: 'stage', to: 'demo' })).toBe(moving)
    const saved = boardReducer(moving, {
      type: 'moved',
      record: card('1', { title: '年会蛋糕', stage: 'contact', since: '2026-03-01T00:00:00Z', version: 2 }),
    })
    expect(saved.records[0]).toMatchObject({ stage: 'contact', version: 2, since: '2026-03-01T00:00:00Z' })
    expect(saved.pending).toEqual({})
  })

  it('puts the card back with the server’s reason when it refuses', () => {
    const moving = boardReducer(loaded, { type: 'move', id: '1', field: 'stage', to: 'demo' })
    const refused = boardReducer(moving, {
      type: 'refused',
      id: '1',
      field: 'stage',
      message: '不能跳过阶段',
    })
    expect(refused.records[0]).toMatchObject({ stage: 'lead' })
    expect(refused.error).toEqual({ id: '1', message: '不能跳过阶段' })
    expect(refused.pending).toEqual({})
    expect(boardReducer(refused, { type: 'dismiss' }).error).toBeNull()
  })

  it('a drop on the column the card is in does nothing', () => {
    expect(boardReducer(loaded, { type: 'move', id: '1', field: 'stage', to: 'lead' })).toBe(loaded)
  })

  it('counts whole days in the stage from the pipeline’s enteredAt field', () => {
    const now = new Date('2026-03-10T12:00:00Z')
    expect(daysInStage(card('1', { since: '2026-03-01T13:00:00Z' }), stage, now)).toBe(8)
    expect(daysInStage(card('1', { since: null }), stage, now)).toBeNull()
    expect(daysInStage(card('1', {}), tickets.fields[1]!, now)).toBeNull()
  })

  it('picks the CRM pipeline by default, the path’s form and field when given', () => {
    expect(pickBoard([tickets, deals], [])).toMatchObject({
      form: { key: 'opportunities' },
      field: { key: 'stage' },
    })
    expect(pickBoard([tickets, deals], ['tickets'])).toMatchObject({
      form: { key: 'tickets' },
      field: { key: 'priority' },
    })
    expect(pickBoard([tickets], ['nope'])).toMatchObject({ form: { key: 'tickets' } })
    expect(pickBoard([{ ...tickets, fields: [tickets.fields[0]!] }], [])).toBeNull()
  })

  it('titles a card by the title field, else the id', () => {
    expect(cardTitle(card('1', { title: '年会蛋糕' }), deals)).toBe('年会蛋糕')
    expect(cardTitle(card('7', { title: '' }), deals)).toBe('#7')
  })
})
