import { sql } from 'kysely'
import { describe, expect, it } from 'vitest'
import type { AppDefinition } from '@trellis/form-engine'
import { useApi } from './support/api.js'
import { describeEachDatabase } from './support/databases.js'
import { shopApp } from './support/shop-app.js'

function inventoryApp(): AppDefinition {
  return {
    key: 'inv',
    name: { 'zh-CN': '库存', en: 'Inventory' },
    forms: [
      {
        key: 'items',
        label: { 'zh-CN': '物品', en: 'Items' },
        fields: [
          { key: 'name', type: 'text', label: { 'zh-CN': '名称', en: 'Name' }, required: true },
          { key: 'code', type: 'text', label: { 'zh-CN': '编码', en: 'Code' } },
          { key: 'qty', type: 'text', label: { 'zh-CN': '数量', en: 'Quantity' } },
        ],
      },
    ],
  }
}

describeEachDatabase('apps: drafts, validation, publishing and migrations', (ctx) => {
  const api = useApi(ctx)
  const items = '/api/apps/inv/forms/items/records'

  const columnType = async (column: string) => {
    const { rows } = await sql<{ data_type: string }>`select data_type from information_schema.columns
      where table_schema = 'app_inv' and table_name = 'items' and column_name = ${column}`.execute(
      ctx.database.db,
    )
    return rows[0]?.data_type
  }
  const saveDraft = async (definition: AppDefinition) => {
    const res = await api.call('PUT', '/api/apps/inv/draft', definition)
    expect(res.status, JSON.stringify(res.body)).toBe(200)
    return res.body.issues as Array<{ path: string }>
  }
  const publish = (confirm?: string[]) =>
    api.call('POST', '/api/apps/inv/publish', confirm ? { confirm } : {})

  describe('creating and validating', () => {
    it('creates an app as a draft and refuses a duplicate or a bad key', async () => {
      const created = await api.call('POST', '/api/apps', inventoryApp())
      expect(created.status).toBe(201)
      expect(created.body).toMatchObject({ key: 'inv', publishedVersion: null })
      expect((await api.call('POST', '/api/apps', inventoryApp())).body.code).toBe('APP_EXISTS')
      const bad = await api.call('POST', '/api/apps', { ...inventoryApp(), key: 'Bad-Key' })
      expect(bad.status).toBe(400)
      expect(bad.body.path).toBe('key')
      const shapeless = await api.call('POST', '/api/apps', { key: 'x' })
      expect(shapeless.status).toBe(400)
      expect(shapeless.body.code).toBe('VALIDATION_FAILED')
    })

    it('reports every problem of a draft with its path, and refuses to publish it', async () => {
      const broken = inventoryApp()
      broken.forms[0]!.fields.push(
        { key: 'owner', type: 'relation', label: { en: 'Owner' }, relation: { form: 'people' } },
        { key: 'name', type: 'text', label: { en: 'Dup' } },
      )
      const issues = await saveDraft(broken)
      const paths = issues.map((i) => i.path)
      expect(paths).toContain('forms.0.fields.3.relation.form')
      expect(paths.some((p) => p.startsWith('forms.0.fields.4'))).toBe(true)
      const refused = await publish()
      expect(refused.status).toBe(400)
      expect(refused.body.code).toBe('APP_INVALID')
      await saveDraft(inventoryApp())
    })
  })

  describe('publishing', () => {
    it('publishes version 1 as real typed tables', async () => {
      const plan = await api.call('GET', '/api/apps/inv/plan')
      expect(plan.body.steps.map((s: { kind: string }) => s.kind)).toContain('create_table')
      const res = await publish()
      expect(res.status, JSON.stringify(res.body)).toBe(200)
      expect(res.body.version).toBe(1)
      expect(await columnType('qty')).toBe('text')
      expect(await columnType('version')).toBe('integer')
    })

    it('changes a label without touching the database or asking for confirmation', async () => {
      const next = inventoryApp()
      next.forms[0]!.fields[0]!.label = { 'zh-CN': '品名', en: 'Item name' }
      await saveDraft(next)
      const plan = await api.call('GET', '/api/apps/inv/plan')
      expect(plan.body.steps.map((s: { kind: string }) => s.kind)).toEqual(['rename_label'])
      expect(plan.body.steps.every((s: { lossy: boolean }) => !s.lossy)).toBe(true)
      expect((await publish()).body.version).toBe(2)
    })

    it('refuses text → number while a non-numeric value exists, and loses nothing', async () => {
      await api.call('POST', items, { values: { name: 'flour', qty: '12' } })
      const bad = await api.call('POST', items, { values: { name: 'sugar', qty: 'a dozen' } })
      const next = inventoryApp()
      next.forms[0]!.fields[0]!.label = { 'zh-CN': '品名', en: 'Item name' }
      next.forms[0]!.fields[2]!.type = 'number'
      await saveDraft(next)

      const plan = (await api.call('GET', '/api/apps/inv/plan')).body.steps as Array<{
        id: string
        kind: string
        lossy: boolean
      }>
      const change = plan.find((s) => s.kind === 'change_type')!
      expect(change.lossy).toBe(true)

      const unconfirmed = await publish()
      expect(unconfirmed.status).toBe(409)
      expect(unconfirmed.body).toMatchObject({
        code: 'CONFIRMATION_REQUIRED',
        details: { lossy: [change.id] },
      })

      const refused = await publish([change.id])
      expect(refused.status).toBe(409)
      expect(refused.body).toMatchObject({ code: 'CAST_FAILED', path: 'forms.items.fields.qty' })
      expect(refused.body.message).toContain('a dozen')
      expect(await columnType('qty')).toBe('text')
      expect((await api.call('GET', '/api/apps/inv')).body.publishedVersion).toBe(2)

      await api.call('PATCH', `${items}/${bad.body.id}`, { version: 1, values: { qty: '7' } })
      const ok = await publish([change.id])
      expect(ok.status, JSON.stringify(ok.body)).toBe(200)
      expect(await columnType('qty')).toBe('double precision')
      const list = await api.call('GET', `${items}?sort=qty`)
      expect(list.body.records.map((r: { qty: number }) => r.qty)).toEqual([7, 12])
    })

    it('archives a removed field and brings its data back when the field returns', async () => {
      const current = (await api.call('GET', '/api/apps/inv/draft')).body as AppDefinition
      await api.call(
        'PATCH',
        `${items}/${(await api.call('GET', `${items}?sort=qty&limit=1`)).body.records[0].id}`,
        {
          version: 2,
          values: { code: 'SUGAR-1' },
        },
      )
      const without = structuredClone(current)
      without.forms[0]!.fields = without.forms[0]!.fields.filter((f) => f.key !== 'code')
      await saveDraft(without)
      const plan = (await api.call('GET', '/api/apps/inv/plan')).body.steps as Array<{
        id: string
        kind: string
        lossy: boolean
      }>
      expect(plan.map((s) => s.kind)).toEqual(['archive_column'])
      const archived = await publish(plan.filter((s) => s.lossy).map((s) => s.id))
      expect(archived.status, JSON.stringify(archived.body)).toBe(200)
      const hidden = await api.call('GET', `${items}?sort=qty&limit=1`)
      expect(hidden.body.records[0]).not.toHaveProperty('code')
      expect((await api.call('POST', items, { values: { name: 'x', code: 'y' } })).body.path).toBe('code')

      await saveDraft(current)
      const back = (await api.call('GET', '/api/apps/inv/plan')).body.steps as Array<{
        id: string
        kind: string
        lossy: boolean
      }>
      expect(back.map((s) => s.kind)).toEqual(['restore_column'])
      expect((await publish(back.filter((s) => s.lossy).map((s) => s.id))).status).toBe(200)
      const restored = await api.call('GET', `${items}?sort=qty&limit=1`)
      expect(restored.body.records[0].code).toBe('SUGAR-1')
    })

    it('lists versions, newest first', async () => {
      const res = await api.call('GET', '/api/apps/inv/versions')
      expect(res.body.map((v: { version: number }) => v.version)).toEqual([5, 4, 3, 2, 1])
    })
  })

  describe('export and import', () => {
    it('exports a definition that imports as a new app', async () => {
      const exported = await api.call('GET', '/api/apps/inv/export')
      expect(exported.status).toBe(200)
      expect((await api.call('POST', '/api/apps/import', exported.body)).body.code).toBe('APP_EXISTS')
      const copy = { ...exported.body, key: 'inv_copy' }
      expect((await api.call('POST', '/api/apps/import', copy)).status).toBe(201)
      expect((await api.call('GET', '/api/apps/inv_copy/draft')).body.forms).toEqual(exported.body.forms)
    })
  })

  describe('rollups added later', () => {
    it('computes a new rollup for existing records when it is published', async () => {
      const shop = shopApp('shop2')
      const customers = shop.forms[1]!
      const rollups = customers.fields.filter((f) => f.type === 'rollup')
      customers.fields = customers.fields.filter((f) => f.type !== 'rollup')
      await api.call('POST', '/api/apps', shop)
      expect((await api.call('POST', '/api/apps/shop2/publish', {})).status).toBe(200)
      const base = '/api/apps/shop2/forms'
      const c = await api.call('POST', `${base}/customers/records`, { values: { name: '老客' } })
      for (const amount of ['10.50', '20.25']) {
        await api.call('POST', `${base}/orders/records`, {
          values: { customer: c.body.id, amount, status: 'paid', ordered_on: '2026-01-05' },
        })
      }
      customers.fields.push(...rollups)
      await api.call('PUT', '/api/apps/shop2/draft', shop)
      const steps = (await api.call('GET', '/api/apps/shop2/plan')).body.steps as Array<{
        id: string
        lossy: boolean
      }>
      const res = await api.call('POST', '/api/apps/shop2/publish', {
        confirm: steps.filter((s) => s.lossy).map((s) => s.id),
      })
      expect(res.status, JSON.stringify(res.body)).toBe(200)
      const got = await api.call('GET', `${base}/customers/records/${c.body.id}`)
      expect(got.body).toMatchObject({ order_count: 2, total_spent: '30.75', last_order: '2026-01-05' })
    })
  })
})
