import { sql } from 'kysely'
import { beforeAll, expect, it } from 'vitest'
import { useApi } from './support/api.js'
import { describeEachDatabase } from './support/databases.js'
import { uploadCsv } from './support/import-upload.js'
import { shopApp } from './support/shop-app.js'

const base = '/api/apps/shop/forms'

describeEachDatabase('imports: outbox events', (ctx) => {
  const api = useApi(ctx)
  const events = async (topic: string, phone: string) => {
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from trellis.outbox
      where topic = ${topic} and payload->>'form' = 'customers' and payload->'after'->>'phone' = ${phone}`.execute(
      ctx.database.db,
    )
    return rows[0]!.n
  }

  beforeAll(async () => {
    await api.call('POST', '/api/apps', shopApp())
    await api.call('POST', '/api/apps/shop/publish', {})
  })

  it('by default an import is history: records and audit entries, but no event for rules to react to', async () => {
    const up = await uploadCsv(api, 'customers', '姓名,联系电话\n甲,13800000001\n乙,13800000002\n')
    const res = await api.call('POST', `${base}/customers/imports/${up.id}/run`, {
      mapping: up.mapping,
      keys: ['phone'],
    })
    expect(res.body).toMatchObject({ inserted: 2 })
    expect(await events('record.created', '+8613800000001')).toBe(0)
    expect(await events('record.created', '+8613800000002')).toBe(0)
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from trellis.audit_log
      where form_key = 'customers' and action = 'create' and after->>'phone' like '+86138000000%'`.execute(
      ctx.database.db,
    )
    expect(rows[0]!.n).toBe(2)

    // Updating those records by import stays silent too.
    const again = await uploadCsv(api, 'customers', '姓名,联系电话,备注\n甲,13800000001,补充\n')
    const run = await api.call('POST', `${base}/customers/imports/${again.id}/run`, {
      mapping: again.mapping,
      keys: ['phone'],
    })
    expect(run.body).toMatchObject({ updated: 1 })
    expect(await events('record.updated', '+8613800000001')).toBe(0)
  })

  it('with events: true every inserted and updated record emits its event, as a hand-made change would', async () => {
    const up = await uploadCsv(api, 'customers', '姓名,联系电话\n丙,13800000003\n甲一,13800000001\n')
    const res = await api.call('POST', `${base}/customers/imports/${up.id}/run`, {
      mapping: { 0: 'name', 1: 'phone' },
      keys: ['phone'],
      policy: { name: 'overwrite' },
      events: true,
    })
    expect(res.body).toMatchObject({ inserted: 1, updated: 1 })
    expect(await events('record.created', '+8613800000003')).toBe(1)
    expect(await events('record.updated', '+8613800000001')).toBe(1)
  })
})
