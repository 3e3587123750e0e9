import type { AppDefinition } from '@trellis/form-engine'
import { beforeAll, expect, it } from 'vitest'
import { useApi } from './support/api.js'
import { describeEachDatabase } from './support/databases.js'

const label = (en: string) => ({ 'zh-CN': en, en })
const pipelineApp: AppDefinition = {
  key: 'deals',
  name: label('Deals'),
  forms: [
    {
      key: 'deals',
      label: label('Deals'),
      titleField: 'title',
      fields: [
        { key: 'title', type: 'text', label: label('Title'), required: true },
        {
          key: 'stage',
          type: 'select',
          label: label('Stage'),
          default: 'lead',
          options: ['lead', 'contact', 'demo', 'won', 'lost'].map((value) => ({
            value,
            label: label(value),
          })),
          pipeline: { noSkip: true, exits: ['lost'], enteredAt: 'since' },
        },
        { key: 'since', type: 'datetime', label: label('In stage since') },
      ],
    },
  ],
}

describeEachDatabase('workspace board: pipeline stages enforced by the records API', (ctx) => {
  const api = useApi(ctx)
  const url = '/api/apps/deals/forms/deals/records'
  beforeAll(async () => {
    expect((await api.call('POST', '/api/apps', pipelineApp)).status).toBe(201)
    expect((await api.call('POST', '/api/apps/deals/publish', {})).status).toBe(200)
  })

  it('a move to the next stage is stamped; skipping one is refused with the next stage named', async () => {
    const created = await api.call('POST', url, { values: { title: '中秋礼盒 200 份' } })
    expect(created.body).toMatchObject({ stage: 'lead' })
    expect(typeof created.body.since).toBe('string')

    const skipped = await api.call('PATCH', `${url}/${created.body.id}`, {
      version: created.body.version,
      values: { stage: 'demo' },
    })
    expect(skipped.status).toBe(400)
    expect(skipped.body).toMatchObject({ code: 'VALIDATION_FAILED', path: 'stage' })
    expect(skipped.body.details[0]).toMatchObject({
      code: 'field.stage_skipped',
      params: { next: 'contact' },
    })
    expect((await api.call('GET', `${url}/${created.body.id}`)).body.stage).toBe('lead')

    const moved = await api.call('PATCH', `${url}/${created.body.id}`, {
      version: created.body.version,
      values: { stage: 'contact' },
    })
    expect(moved.status, JSON.stringify(moved.body)).toBe(200)
    expect(moved.body.stage).toBe('contact')
    expect(new Date(moved.body.since).getTime()).toBeGreaterThanOrEqual(
      new Date(created.body.since).getTime(),
    )

    const retitled = await api.call('PATCH', `${url}/${created.body.id}`, {
      version: moved.body.version,
      values: { title: '中秋礼盒 300 份' },
    })
    expect(retitled.body.since).toBe(moved.body.since)
    const lost = await api.call('PATCH', `${url}/${created.body.id}`, {
      version: retitled.body.version,
      values: { stage: 'lost' },
    })
    expect(lost.status).toBe(200)
  })

  it('a draft whose pipeline names no datetime field is reported', async () => {
    const form = pipelineApp.forms[0]!
    const bad = {
      ...pipelineApp,
      forms: [
        {
          ...form,
          fields: form.fields.map((f) =>
            f.key === 'stage' ? { ...f, pipeline: { enteredAt: 'title' } } : f,
          ),
        },
      ],
    }
    const saved = await api.call('PUT', '/api/apps/deals/draft', bad)
    expect(saved.body.issues).toEqual([
      expect.objectContaining({
        code: 'config.invalid_entered_at',
        path: 'forms.0.fields.1.pipeline.enteredAt',
      }),
    ])
  })
})
