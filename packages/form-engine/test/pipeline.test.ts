import { describe, expect, it } from 'vitest'
import { compileFormValidator, formatFieldError, validateApp } from '../src/index.js'
import type { FormSchema } from '../src/index.js'

const stages = ['lead', 'contact', 'demo', 'won', 'lost'].map((value) => ({ value, label: { en: value } }))
const deals: FormSchema = {
  key: 'deals',
  label: { en: 'Deals' },
  fields: [
    { key: 'title', type: 'text', label: { en: 'Title' } },
    {
      key: 'stage',
      type: 'select',
      label: { en: 'Stage' },
      options: stages,
      pipeline: { noSkip: true, exits: ['lost'], enteredAt: 'since' },
    },
    { key: 'since', type: 'datetime', label: { en: 'Since' } },
  ],
}
const now = new Date('2026-03-01T08:00:00.000Z')
const validate = compileFormValidator(deals)
const update = (existing: Record<string, unknown>, patch: Record<string, unknown>) =>
  validate(patch, { mode: 'update', existing, now })

describe('pipeline stages', () => {
  it('moves one stage forward and stamps the time the stage was entered', () => {
    expect(update({ stage: 'lead', since: '2026-01-01T00:00:00.000Z' }, { stage: 'contact' })).toEqual({
      ok: true,
      value: { stage: 'contact', since: now.toISOString() },
    })
  })

  it('refuses skipping a stage, naming the next one', () => {
    const result = update({ stage: 'lead' }, { stage: 'demo' })
    expect(result).toMatchObject({
      ok: false,
      errors: [
        { path: 'stage', code: 'field.stage_skipped', params: { from: 'lead', to: 'demo', next: 'contact' } },
      ],
    })
    expect(formatFieldError({ code: 'field.stage_skipped', params: { next: 'contact' } }, 'en')).toContain(
      '"contact"',
    )
  })

  it('allows going back, leaving to an exit from any stage, and saving other fields without a stamp', () => {
    expect(update({ stage: 'demo' }, { stage: 'lead' })).toMatchObject({ ok: true })
    expect(update({ stage: 'lead' }, { stage: 'lost' })).toMatchObject({ ok: true, value: { stage: 'lost' } })
    expect(update({ stage: 'lead', since: 'x' }, { title: 'Cakes', stage: 'lead' })).toEqual({
      ok: true,
      value: { title: 'Cakes', stage: 'lead' },
    })
  })

  it('lets a new record start at any stage and keeps an explicit time', () => {
    expect(validate({ stage: 'won', since: '2025-05-05T00:00:00.000Z' }, { mode: 'create', now })).toEqual({
      ok: true,
      value: { stage: 'won', since: '2025-05-05T00:00:00.000Z' },
    })
  })

  it('without noSkip any move is allowed', () => {
    const free = compileFormValidator({
      ...deals,
      fields: deals.fields.map((f) => (f.key === 'stage' ? { ...f, pipeline: { enteredAt: 'since' } } : f)),
    })
    expect(free({ stage: 'won' }, { mode: 'update', existing: { stage: 'lead' }, now })).toMatchObject({
      ok: true,
    })
  })

  it('validateApp checks the setting', () => {
    const bad: FormSchema = {
      ...deals,
      fields: [
        { key: 'title', type: 'text', label: { en: 'Title' }, pipeline: {} },
        { ...deals.fields[1]!, pipeline: { exits: ['gone'], enteredAt: 'title' } },
      ],
    }
    const codes = validateApp({ key: 'crm', name: { en: 'CRM' }, forms: [bad] } as never).map((i) => [
      i.path,
      i.code,
    ])
    expect(codes).toEqual(
      expect.arrayContaining([
        ['forms.0.fields.0.pipeline', 'config.invalid_pipeline'],
        ['forms.0.fields.1.pipeline.exits.0', 'config.unknown_option'],
        ['forms.0.fields.1.pipeline.enteredAt', 'config.invalid_entered_at'],
      ]),
    )
  })
})
