import { sql } from 'kysely'
import { beforeAll, describe, expect, it } from 'vitest'
import { useApi } from './support/api.js'
import { describeEachDatabase } from './support/databases.js'
import { shopApp } from './support/shop-app.js'

const base = '/api/apps/shop/forms'

describeEachDatabase('records API', (ctx) => {
  const api = useApi(ctx)
  let storeA: string
  let storeB: string

  beforeAll(async () => {
    expect((await api.call('POST', '/api/apps', shopApp())).status).toBe(201)
    const published = await api.call('POST', '/api/apps/shop/publish', {})
    expect(published.status, JSON.stringify(published.body)).toBe(200)
    storeA = (await api.call('POST', `${base}/stores/records`, { values: { name: '静安店' } })).body.id
    storeB = (await api.call('POST', `${base}/stores/records`, { values: { name: '徐汇店' } })).body.id
  })

  describe('create and get', () => {
    it('stores a typed record with normalized values and system fields', async () => {
      const res = await api.call('POST', `${base}/customers/records`, {
        values: {
          name: '王小明',
          phone: '+86 138-0013-8000',
          tags: [' 老客 ', '老客', '烘焙'],
          store: storeA,
          birthday: '1990-02-28',
        },
      })
      expect(res.status, JSON.stringify(res.body)).toBe(201)
      expect(res.body).toMatchObject({
        name: '王小明',
        phone: '+8613800138000',
        tags: ['老客', '烘焙'],
        store: storeA,
        birthday: '1990-02-28',
        version: 1,
        order_count: 0,
        total_spent: '0',
      })
      expect(res.body.code).toMatch(/^KH\d{5}$/)
      expect(res.body.id).toMatch(/^\d+$/)
      const got = await api.call('GET', `${base}/customers/records/${res.body.id}?expand=store`)
      expect(got.status).toBe(200)
      expect(got.body.expand.store).toMatchObject({ id: storeA, name: '静安店' })
      // The value lives in a real typed column, not a JSON blob.
      const { rows } = await sql<{ data_type: string }>`select data_type from information_schema.columns
        where table_schema = 'app_shop' and table_name = 'customers' and column_name = 'birthday'`.execute(
        ctx.database.db,
      )
      expect(rows[0]?.data_type).toBe('date')
    })

    it('gives auto numbers in sequence', async () => {
      const a = await api.call('POST', `${base}/customers/records`, { values: { name: '甲' } })
      const b = await api.call('POST', `${base}/customers/records`, { values: { name: '乙' } })
      expect(Number(b.body.code.slice(2))).toBe(Number(a.body.code.slice(2)) + 1)
    })

    it('rejects an unknown field with 400 and its path', async () => {
      const res = await api.call('POST', `${base}/customers/records`, {
        values: { name: 'x', nickname: 'y' },
      })
      expect(res.status).toBe(400)
      expect(res.body).toMatchObject({ code: 'VALIDATION_FAILED', path: 'nickname' })
    })

    it('rejects a wrong type with 400 and its path', async () => {
      const res = await api.call('POST', `${base}/customers/records`, {
        values: { name: 'x', birthday: '2023-02-29' },
      })
      expect(res.status).toBe(400)
      expect(res.body.path).toBe('birthday')
      const phone = await api.call('POST', `${base}/customers/records`, {
        values: { name: 'x', phone: '12345' },
      })
      expect(phone.status).toBe(400)
      expect(phone.body.path).toBe('phone')
    })

    it('rejects a missing required field and writes to computed fields', async () => {
      const missing = await api.call('POST', `${base}/customers/records`, {
        values: { phone: '13900000000' },
      })
      expect(missing.status).toBe(400)
      expect(missing.body.path).toBe('name')
      const computed = await api.call('POST', `${base}/customers/records`, {
        values: { name: 'x', order_count: 5 },
      })
      expect(computed.status).toBe(400)
      expect(computed.body.path).toBe('order_count')
    })

    it('answers 409 with the field path on a unique violation, whatever the phone format', async () => {
      await api.call('POST', `${base}/customers/records`, { values: { name: '一', phone: '13700137000' } })
      const dup = await api.call('POST', `${base}/customers/records`, {
        values: { name: '二', phone: '0086 137 0013 7000' },
      })
      expect(dup.status).toBe(409)
      expect(dup.body).toMatchObject({ code: 'UNIQUE_VIOLATION', path: 'phone' })
    })

    it('refuses a relation to a record that does not exist', async () => {
      const res = await api.call('POST', `${base}/customers/records`, {
        values: { name: 'x', store: '999999' },
      })
      expect(res.status).toBe(400)
      expect(res.body).toMatchObject({ code: 'RELATION_NOT_FOUND', path: 'store' })
    })

    it('answers 404 for an unknown app, form or record', async () => {
      expect((await api.call('GET', '/api/apps/nope/forms/customers/records')).status).toBe(404)
      expect((await api.call('GET', `${base}/nope/records`)).status).toBe(404)
      expect((await api.call('GET', `${base}/customers/records/987654`)).status).toBe(404)
    })
  })

  describe('update', () => {
    it('updates some fields, bumps the version and computes formulas', async () => {
      const created = await api.call('POST', `${base}/orders/records`, {
        values: { customer: storeFreeCustomer(), amount: '100', quantity: 4, status: 'paid' },
      })
      expect(created.status, JSON.stringify(created.body)).toBe(201)
      expect(created.body).toMatchObject({ amount: '100.00', unit_price: 25 })
      const updated = await api.call('PATCH', `${base}/orders/records/${created.body.id}`, {
        version: 1,
        values: { quantity: 5 },
      })
      expect(updated.status, JSON.stringify(updated.body)).toBe(200)
      expect(updated.body).toMatchObject({ version: 2, quantity: 5, unit_price: 20, amount: '100.00' })
    })

    it('of two concurrent updates with the same version exactly one wins, the other gets 409', async () => {
      const { body } = await api.call('POST', `${base}/customers/records`, { values: { name: '并发' } })
      const results = await Promise.all([
        api.call('PATCH', `${base}/customers/records/${body.id}`, { version: 1, values: { note: 'A' } }),
        api.call('PATCH', `${base}/customers/records/${body.id}`, { version: 1, values: { note: 'B' } }),
      ])
      expect(results.map((r) => r.status).sort()).toEqual([200, 409])
      const loser = results.find((r) => r.status === 409)!
      expect(loser.body).toMatchObject({ code: 'VERSION_CONFLICT', path: 'version' })
      const winner = results.find((r) => r.status === 200)!
      const now = await api.call('GET', `${base}/customers/records/${body.id}`)
      expect(now.body).toMatchObject({ version: 2, note: winner.body.note })
    })

    it('refuses a stale version', async () => {
      const { body } = await api.call('POST', `${base}/customers/records`, { values: { name: '旧版本' } })
      await api.call('PATCH', `${base}/customers/records/${body.id}`, {
        version: 1,
        values: { note: 'first' },
      })
      const stale = await api.call('PATCH', `${base}/customers/records/${body.id}`, {
        version: 1,
        values: { note: 'lost?' },
      })
      expect(stale.status).toBe(409)
      expect((await api.call('GET', `${base}/customers/records/${body.id}`)).body.note).toBe('first')
    })

    it('checks types on update with the path', async () => {
      const { body } = await api.call('POST', `${base}/customers/records`, { values: { name: '类型' } })
      const res = await api.call('PATCH', `${base}/customers/records/${body.id}`, {
        version: 1,
        values: { tier: 'gold' },
      })
      expect(res.status).toBe(400)
      expect(res.body.path).toBe('tier')
    })
  })

  describe('delete and restore', () => {
    it('moves a record to the trash and back', async () => {
      const { body } = await api.call('POST', `${base}/customers/records`, {
        values: { name: '回收站', phone: '13611112222' },
      })
      const removed = await api.call('DELETE', `${base}/customers/records/${body.id}?version=1`)
      expect(removed.status).toBe(200)
      expect((await api.call('GET', `${base}/customers/records/${body.id}`)).status).toBe(404)
      const trash = await api.call(
        'GET',
        `${base}/customers/records?deleted=true&filter=${encodeURIComponent(JSON.stringify({ '==': [{ var: 'name' }, '回收站'] }))}`,
      )
      expect(trash.body.records.map((r: { id: string }) => r.id)).toEqual([body.id])
      // The phone is free again while the record is in the trash…
      const reuse = await api.call('POST', `${base}/customers/records`, {
        values: { name: '新人', phone: '13611112222' },
      })
      expect(reuse.status).toBe(201)
      // …so restoring it would duplicate the phone: refused with the path.
      const clash = await api.call('POST', `${base}/customers/records/${body.id}/restore`)
      expect(clash.status).toBe(409)
      expect(clash.body.path).toBe('phone')
      await api.call('DELETE', `${base}/customers/records/${reuse.body.id}`)
      const restored = await api.call('POST', `${base}/customers/records/${body.id}/restore`)
      expect(restored.status).toBe(200)
      expect((await api.call('GET', `${base}/customers/records/${body.id}`)).body.name).toBe('回收站')
    })
  })

  describe('bulk', () => {
    it('creates many records in one request', async () => {
      const records = Array.from({ length: 300 }, (_, i) => ({
        values: { name: `批量${i}`, store: i % 2 ? storeA : storeB, points: i },
      }))
      const res = await api.call('POST', `${base}/customers/records/bulk`, { records })
      expect(res.status).toBe(201)
      expect(res.body.records).toHaveLength(300)
    })

    it('writes nothing when one item is invalid, and reports every bad item', async () => {
      const before = (await api.call('GET', `${base}/customers/records/count`)).body.count
      const res = await api.call('POST', `${base}/customers/records/bulk`, {
        records: [
          { values: { name: 'ok' } },
          { values: { phone: 'bad' } },
          { values: { name: 'ok2' } },
          { values: { name: 'x', tier: 'gold' } },
        ],
      })
      expect(res.status).toBe(400)
      expect(res.body.code).toBe('BULK_INVALID')
      expect(res.body.details.map((d: { index: number }) => d.index)).toEqual([1, 3])
      expect(res.body.details[0].errors.map((e: { path: string }) => e.path)).toContain(
        'records.1.values.name',
      )
      expect((await api.call('GET', `${base}/customers/records/count`)).body.count).toBe(before)
    })

    it('rolls back the whole batch on a database conflict and names the item', async () => {
      const before = (await api.call('GET', `${base}/customers/records/count`)).body.count
      const res = await api.call('POST', `${base}/customers/records/bulk`, {
        records: [
          { values: { name: 'a', phone: '13500000001' } },
          { values: { name: 'b', phone: '13500000001' } },
        ],
      })
      expect(res.status).toBe(409)
      expect(res.body.path).toBe('records.1.values.phone')
      expect((await api.call('GET', `${base}/customers/records/count`)).body.count).toBe(before)
    })

    it('refuses more than 1,000 records', async () => {
      const records = Array.from({ length: 1001 }, () => ({ values: { name: 'x' } }))
      const res = await api.call('POST', `${base}/customers/records/bulk`, { records })
      expect(res.status).toBe(400)
    })

    it('updates many records with their versions, all or nothing', async () => {
      const list = await api.call(
        'GET',
        `${base}/customers/records?limit=3&filter=${encodeURIComponent(JSON.stringify({ starts_with: [{ var: 'name' }, '批量'] }))}`,
      )
      const [a, b, c] = list.body.records
      const stale = await api.call('PATCH', `${base}/customers/records/bulk`, {
        records: [
          { id: a.id, version: a.version, values: { tier: 'vip' } },
          { id: b.id, version: b.version + 5, values: { tier: 'vip' } },
        ],
      })
      expect(stale.status).toBe(409)
      expect(stale.body.path).toBe('records.1.version')
      expect((await api.call('GET', `${base}/customers/records/${a.id}`)).body.tier).toBeNull()
      const ok = await api.call('PATCH', `${base}/customers/records/bulk`, {
        records: [a, b, c].map((r) => ({ id: r.id, version: r.version, values: { tier: 'vip' } })),
      })
      expect(ok.status).toBe(200)
      expect(ok.body.records.map((r: { tier: string }) => r.tier)).toEqual(['vip', 'vip', 'vip'])
    })
  })

  describe('list', () => {
    const batch = (extra: object) =>
      encodeURIComponent(JSON.stringify({ and: [{ starts_with: [{ var: 'name' }, '批量'] }, extra] }))

    it('filters with JsonLogic, sorts and pages with a cursor without gaps or repeats', async () => {
      const filter = batch({ '==': [{ var: 'store' }, storeA] })
      const seen: number[] = []
      let cursor: string | null = null
      let pages = 0
      do {
        const url: string = `${base}/customers/records?filter=${filter}&sort=-points&limit=40${cursor ? `&cursor=${cursor}` : ''}`
        const res = await api.call('GET', url)
        expect(res.status, JSON.stringify(res.body)).toBe(200)
        seen.push(...res.body.records.map((r: { points: number }) => r.points))
        cursor = res.body.nextCursor
        pages++
      } while (cursor)
      expect(pages).toBe(4)
      const expected = Array.from({ length: 300 }, (_, i) => i)
        .filter((i) => i % 2)
        .sort((x, y) => y - x)
      expect(seen).toEqual(expected)
    })

    it.each(['tier', '-tier'])(
      'pages by %s through equal values and empty ones, nulls as the largest',
      async (sort) => {
        const rows: Array<{ id: string; tier: string | null }> = []
        let cursor: string | null = null
        do {
          const url: string = `${base}/customers/records?sort=${sort}&limit=7&fields=tier${cursor ? `&cursor=${cursor}` : ''}`
          const res = await api.call('GET', url)
          rows.push(...res.body.records)
          cursor = res.body.nextCursor
        } while (cursor)
        const total = (await api.call('GET', `${base}/customers/records/count`)).body.count
        expect(new Set(rows.map((r) => r.id)).size).toBe(total)
        expect(rows.length).toBe(total)
        const tiers = rows.map((r) => r.tier)
        const firstNull = tiers.indexOf(null)
        expect(firstNull).toBeGreaterThanOrEqual(0)
        if (sort === 'tier') expect(tiers.slice(firstNull).every((t) => t === null)).toBe(true)
        else expect(tiers.slice(0, tiers.lastIndexOf(null) + 1).every((t) => t === null)).toBe(true)
      },
    )

    it('selects fields, expands relations and counts', async () => {
      const res = await api.call(
        'GET',
        `${base}/customers/records?filter=${batch({ '<': [{ var: 'points' }, 4] })}&fields=name,store&expand=store&count=true&sort=points`,
      )
      expect(res.status).toBe(200)
      expect(res.body.count).toBe(4)
      expect(res.body.records[0]).toEqual({
        id: expect.any(String),
        version: expect.any(Number),
        created_at: expect.any(String),
        updated_at: expect.any(String),
        // The acting user is recorded on the row.
        created_by: expect.stringMatching(/^admin_/),
        updated_by: expect.stringMatching(/^admin_/),
        deleted_at: null,
        name: '批量0',
        store: storeB,
        expand: { store: expect.objectContaining({ id: storeB, name: '徐汇店' }) },
      })
    })

    it('accepts long filters in a POST body', async () => {
      const res = await api.call('POST', `${base}/customers/records/query`, {
        filter: { and: [{ starts_with: [{ var: 'name' }, '批量'] }, { in: [{ var: 'points' }, [1, 2, 3]] }] },
        sort: 'points',
        fields: ['points'],
      })
      expect(res.status).toBe(200)
      expect(res.body.records.map((r: { points: number }) => r.points)).toEqual([1, 2, 3])
    })

    it('lists the reverse of a relation', async () => {
      const res = await api.call(
        'GET',
        `/api/apps/shop/forms/stores/records/${storeA}/related/customers/store?count=true&limit=1`,
      )
      expect(res.status).toBe(200)
      expect(res.body.count).toBeGreaterThanOrEqual(150)
      expect(res.body.records[0].store).toBe(storeA)
    })

    it('rejects unknown fields in filters, sort and selection with a path', async () => {
      const filter = await api.call(
        'GET',
        `${base}/customers/records?filter=${encodeURIComponent(JSON.stringify({ and: [true, { '==': [{ var: 'secret' }, 1] }] }))}`,
      )
      expect(filter.status).toBe(400)
      expect(filter.body.code).toBe('FILTER_INVALID')
      expect(filter.body.path).toMatch(/^filter\.and\.1/)
      expect((await api.call('GET', `${base}/customers/records?sort=secret`)).body).toMatchObject({
        code: 'SORT_INVALID',
        path: 'sort',
      })
      expect((await api.call('GET', `${base}/customers/records?fields=name,secret`)).body).toMatchObject({
        path: 'fields.1',
      })
      expect((await api.call('GET', `${base}/customers/records?filter=%7Bnot-json`)).body).toMatchObject({
        code: 'FILTER_INVALID',
      })
      expect((await api.call('GET', `${base}/customers/records?cursor=garbage`)).body).toMatchObject({
        code: 'CURSOR_INVALID',
      })
    })
  })

  describe('audit and outbox', () => {
    it('writes an audit entry and an outbox event with every change, in the same transaction', async () => {
      const { body } = await api.call('POST', `${base}/customers/records`, { values: { name: '审计' } })
      await api.call('PATCH', `${base}/customers/records/${body.id}`, {
        version: 1,
        values: { note: '改了' },
      })
      await api.call('DELETE', `${base}/customers/records/${body.id}`)
      const audit = await ctx.database.db
        .selectFrom('trellis.audit_log')
        .select(['action', 'before', 'after'])
        .where('form_key', '=', 'customers')
        .where('record_id', '=', body.id)
        .orderBy('id')
        .execute()
      expect(audit.map((a) => a.action)).toEqual(['create', 'update', 'delete'])
      expect(audit[1]).toMatchObject({ before: { note: null }, after: { note: '改了' } })
      const events = await ctx.database.db
        .selectFrom('trellis.outbox')
        .select(['topic', 'payload'])
        .where(sql`payload->>'id'`, '=', body.id)
        .where(sql`payload->>'form'`, '=', 'customers')
        .orderBy('id')
        .execute()
      expect(events.map((e) => e.topic)).toEqual(['record.created', 'record.updated', 'record.deleted'])
      expect((events[1]!.payload as { changed: string[] }).changed).toEqual(['note'])
    })

    it('leaves no audit entry or event behind when a write fails', async () => {
      const count = async () =>
        Number(
          (
            await sql<{
              n: string
            }>`select (select count(*) from trellis.audit_log) + (select count(*) from trellis.outbox) as n`.execute(
              ctx.database.db,
            )
          ).rows[0]!.n,
        )
      const before = await count()
      await api.call('POST', `${base}/customers/records`, { values: { name: 'x', store: '999999' } })
      expect(await count()).toBe(before)
    })
  })

  // A customer with no store, created once, for order tests.
  let freeCustomer: string | undefined
  function storeFreeCustomer(): string {
    return freeCustomer!
  }
  beforeAll(async () => {
    freeCustomer = (await api.call('POST', `${base}/customers/records`, { values: { name: '下单人' } })).body
      .id
  })
})
