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
    // Audited as one batch entry naming the job and the new ids, which each record's history finds.
    const { rows } = await sql<{
      after: { source: string; ids: string[] }
    }>`select after from trellis.audit_log
      where form_key = 'customers' and action = 'import.created' order by id`.execute(ctx.database.db)
    expect(rows).toHaveLength(1)
    expect(rows[0]!.after.source).toBe(`import:${up.id}`)
    const listed = await api.call(
      'GET',
      `${base}/customers/records?filter=${encodeURIComponent(
        JSON.stringify({ starts_with: [{ var: 'phone' }, '+86138000000'] }),
      )}`,
    )
    const ids = (listed.body.records as Array<{ id: string }>).map((r) => r.id).sort()
    expect([...rows[0]!.after.ids].sort()).toEqual(ids)
    const history = await api.call('GET', `/api/audit?app=shop&form=customers&record=${ids[0]}`)
    expect(history.body.entries.map((e: { action: string }) => e.action)).toEqual(['import.created'])
    const anyForm = await api.call('GET', `/api/audit?record=${ids[1]}`)
    expect(anyForm.body.entries.map((e: { action: string }) => e.action)).toContain('import.created')
    // The person's own data export names the import that created them, and no one else of that batch.
    const exported = await api.call('GET', `${base}/customers/records/${ids[0]}/subject-export`)
    const created = exported.body.audit.filter((e: { action: string }) => e.action === 'import.created')
    expect(created.map((e: { after: { ids: string[] } }) => e.after.ids)).toEqual([[ids[0]]])
    const timeline = await api.call('GET', `${base}/customers/records/${ids[0]}/timeline`)
    expect(timeline.status).toBe(200)
    expect(timeline.body.audit).toContainEqual(
      expect.objectContaining({
        action: 'import.created',
        after: { source: `import:${up.id}`, ids: [ids[0]] },
      }),
    )

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
    // The event and the audit entry carry the record as it was before the import and as it is after.
    const { rows } = await sql<{
      payload: { changed: string[]; before: Record<string, unknown>; after: Record<string, unknown> }
    }>`select payload from trellis.outbox where topic = 'record.updated'
      and payload->'after'->>'phone' = '+8613800000001'`.execute(ctx.database.db)
    const { changed, before, after } = rows[0]!.payload
    expect(changed).toEqual(['name'])
    expect(before).toMatchObject({ name: '甲', phone: '+8613800000001', version: 2, note: '补充' })
    expect(after).toMatchObject({ name: '甲一', phone: '+8613800000001', version: 3, note: '补充' })
    const audited = await api.call('GET', `/api/audit?app=shop&form=customers&record=${String(after.id)}`)
    const update = audited.body.entries.find(
      (e: { action: string; after: { version: number } }) => e.action === 'update' && e.after.version === 3,
    )
    expect(update.before).toEqual(before)
    expect(update.after).toEqual(after)
  })
})
