import { crmRetentionTemplate } from '@trellis/template-crm-retention'
import { sql } from 'kysely'
import { beforeAll, describe, expect, it } from 'vitest'
import { useApi } from './support/api.js'
import { describeEachDatabase } from './support/databases.js'

const demo = { demo: true, size: 300, seed: 99, end: '2026-06-30' }
const base = '/api/apps/crm/forms'

type Rows = Array<Record<string, unknown>>

describeEachDatabase('installing the CRM retention template with demo data', (ctx) => {
  const api = useApi(ctx)
  const q = async (query: { execute(db: typeof ctx.database.db): Promise<{ rows: unknown[] }> }) =>
    (await query.execute(ctx.database.db)).rows as Rows
  let install: { status: number; body: any } // eslint-disable-line @typescript-eslint/no-explicit-any
  const expected = crmRetentionTemplate.demo({ customers: demo.size, seed: demo.seed, end: demo.end })

  beforeAll(async () => {
    install = await api.call('POST', '/api/templates/crm-retention/install', demo)
  }, 240_000)

  it('lists the template', async () => {
    const res = await api.call('GET', '/api/templates')
    expect(res.status).toBe(200)
    expect(res.body).toContainEqual(expect.objectContaining({ key: 'crm-retention', app: 'crm' }))
  })

  it('creates and publishes the app through the app service', async () => {
    expect(install.status, JSON.stringify(install.body)).toBe(201)
    expect(install.body).toMatchObject({ template: 'crm-retention', app: 'crm', version: 1 })
    const app = await api.call('GET', '/api/apps/crm')
    expect(app.body).toMatchObject({ key: 'crm', publishedVersion: 1 })
  })

  it('writes every generated record, in each typed table, with duplicates merged', async () => {
    const counts = install.body.demo.counts as Record<string, number>
    for (const [form, records] of Object.entries(expected.data.forms)) {
      const [row] = await q(sql`select count(*)::int as n from ${sql.table(`app_crm.${form}`)}`)
      expect(row!.n, form).toBe(records.length)
      expect(counts[form], form).toBe(records.length)
    }
    expect(install.body.demo.mergedCustomers).toBe(3)
    expect(expected.merged.length).toBe(3)
    const phones = await q(
      sql`select phone, count(*)::int as n from app_crm.customers group by phone having count(*) > 1`,
    )
    expect(phones).toEqual([])
    const [bad] = await q(
      sql`select count(*)::int as n from app_crm.customers where phone !~ '^\\+861[3-9][0-9]{9}$'`,
    )
    expect(bad!.n).toBe(0)
    // The merged registrations' orders now belong to the customer kept.
    const { kept, merged } = expected.merged[0]!
    const [moved] = await q(
      sql`select count(*)::int as n from app_crm.orders where customer = any(${merged}::bigint[])`,
    )
    expect(moved!.n).toBe(0)
    const keptOrders = expected.data.forms.orders!.filter((o) => o.values.customer === kept).length
    const [owned] = await q(sql`select count(*)::int as n from app_crm.orders where customer = ${kept}`)
    expect(owned!.n).toBe(keptOrders)
  })

  it('computes customer rollups equal to independent aggregates over the orders and the ledger', async () => {
    const mismatches = await q(sql`
      with o as (
        select customer, count(*)::int as n, sum(amount) as spent, min(ordered_at) as first, max(ordered_at) as last, avg(amount) as aov
        from app_crm.orders where status = 'paid' and deleted_at is null group by customer
      ), l as (select customer, sum(points) as points from app_crm.points_ledger group by customer)
      select c.id from app_crm.customers c left join o on o.customer = c.id left join l on l.customer = c.id
      where c.order_count is distinct from coalesce(o.n, 0)
         or c.total_spent is distinct from coalesce(o.spent, 0)
         or c.first_purchase_at is distinct from o.first
         or c.last_purchase_at is distinct from o.last
         or c.avg_order_value is distinct from o.aov
         or c.points_balance is distinct from coalesce(l.points, 0)`)
    expect(mismatches).toEqual([])
    const [buyers] = await q(sql`select count(*)::int as n from app_crm.customers where order_count >= 2`)
    expect(buyers!.n).toBeGreaterThan(100)
  })

  it('computes the other rollups and the formulas over rollups', async () => {
    const lines = await q(sql`select o.id from app_crm.orders o
      where o.line_count <> (select count(*) from app_crm.order_lines l where l."order" = o.id)`)
    expect(lines).toEqual([])
    const stores = await q(sql`select s.id from app_crm.stores s
      where s.revenue <> (select coalesce(sum(amount), 0) from app_crm.orders o where o.store = s.id and o.status = 'paid')
         or s.customer_count <> (select count(*) from app_crm.customers c where c.store = s.id)`)
    expect(stores).toEqual([])
    const products = await q(sql`select p.id from app_crm.products p
      where p.units_sold <> (select coalesce(sum(quantity), 0) from app_crm.order_lines l where l.product = p.id)`)
    expect(products).toEqual([])
    const subtotals = await q(sql`select id from app_crm.order_lines where subtotal <> quantity * unit_price`)
    expect(subtotals).toEqual([])
    // Days between first and last purchase (Shanghai calendar days) over the gaps between purchases.
    const intervals = await q(sql`select id from app_crm.customers
      where avg_days_between is distinct from case when order_count >= 2 then round(
        ((last_purchase_at at time zone 'Asia/Shanghai')::date - (first_purchase_at at time zone 'Asia/Shanghai')::date)::numeric
        / (order_count - 1), 1) end`)
    expect(intervals).toEqual([])
  })

  it('records the import as one audit entry and no per-record events; only the first mining writes pairs', async () => {
    const audit = await q(
      sql`select actor, form_key, record_id, action, after from trellis.audit_log where app_key = 'crm'`,
    )
    const load = audit.filter((entry) => entry.form_key !== 'product_pairs')
    expect(load).toHaveLength(1)
    expect(load[0]).toMatchObject({ form_key: '*', record_id: '*', action: 'import' })
    expect((load[0]!.after as { counts: Record<string, number> }).counts.orders).toBe(
      expected.data.forms.orders!.length,
    )
    // The weekly mining rule runs once after the load, writing its pairs as the rule does (audited, with events).
    const [pairs] = await q(sql`select count(*)::int as n from app_crm.product_pairs`)
    const mined = audit.filter((entry) => entry.form_key === 'product_pairs')
    expect(mined).toHaveLength(pairs!.n as number)
    for (const entry of mined)
      expect(entry).toMatchObject({ actor: 'rule:mine_product_pairs', action: 'create' })
    const events = await q(sql`select payload->>'form' as form, count(*)::int as n from trellis.outbox
      where payload->>'app' = 'crm' group by 1`)
    expect(events).toEqual(pairs!.n ? [{ form: 'product_pairs', n: pairs!.n }] : [])
  })

  it('serves the installed data through the records API, and new records continue the numbering', async () => {
    const list = await api.call(
      'GET',
      `${base}/customers/records?filter=${encodeURIComponent(JSON.stringify({ '==': [{ var: 'tier' }, 'A'] }))}&count=true&limit=5`,
    )
    expect(list.status, JSON.stringify(list.body)).toBe(200)
    const [tierA] = await q(sql`select count(*)::int as n from app_crm.customers where tier = 'A'`)
    expect(list.body.count).toBe(tierA!.n)
    const customer = list.body.records[0]
    expect(customer).toMatchObject({ tier: 'A' })

    const before = (await api.call('GET', `${base}/customers/records/${customer.id}`)).body
    const order = await api.call('POST', `${base}/orders/records`, {
      values: { customer: customer.id, store: '1', ordered_at: '2026-07-01T10:00:00+08:00', amount: '88.00' },
    })
    expect(order.status, JSON.stringify(order.body)).toBe(201)
    const [maxOrder] = (await q(
      sql`select max(id)::int as n from app_crm.orders where id <> ${order.body.id}`,
    )) as Array<{ n: number }>
    expect(Number(order.body.id)).toBe(maxOrder!.n + 1)
    expect(order.body.order_no).toBe(`DD${String(maxOrder!.n + 1).padStart(8, '0')}`)
    const after = (await api.call('GET', `${base}/customers/records/${customer.id}`)).body
    expect(after.order_count).toBe(before.order_count + 1)
    expect(Number(after.total_spent)).toBeCloseTo(Number(before.total_spent) + 88, 2)
    expect(after.last_purchase_at).toBe('2026-07-01T02:00:00.000Z')
  })

  it('refuses a second install, an unknown template and a non-admin', async () => {
    expect((await api.call('POST', '/api/templates/crm-retention/install', {})).body.code).toBe('APP_EXISTS')
    const unknown = await api.call('POST', '/api/templates/nope/install', {})
    expect(unknown).toMatchObject({ status: 404, body: { code: 'TEMPLATE_NOT_FOUND' } })
    const clerk = await api.user({ username: `clerk_${ctx.kind}` })
    const denied = await api.callAs(clerk.token, 'POST', '/api/templates/crm-retention/install', {})
    expect(denied.status).toBe(403)
  })
})

describe('template routes without a database', () => {
  it('keeps the generator and the installer in step: duplicates are merged before loading', () => {
    const { data, merged } = crmRetentionTemplate.demo({ customers: 100, seed: 1, end: '2026-06-30' })
    expect(merged.length).toBe(1)
    expect(data.forms.customers!.length).toBe(100)
  })
})
