import pg from 'pg'
import { openDatabase } from '@trellis/server'
// The template's app definition from its source (the bench installs the app, not its reports or demo data).
import { crmRetentionApp } from '../templates/crm-retention/src/app/crm-app.js'
import { adminToken } from './lib/admin-token.js'
import { freshDatabase, percentile } from './lib/postgres.js'
import { compare, type Comparison } from './lib/report.js'
import { trellisWithApp } from './lib/trellis-app.js'

const orders = 500
const otherCustomers = Number(process.env.TRELLIS_BENCH_CUSTOMER_VIEW_OTHERS ?? 2_000)
const samples = 200

/**
 * The 360° customer view on PostgreSQL: one CRM customer with 500 orders (among a few thousand customers'
 * orders), tasks, coupons, points and messages, opened by a store manager (row scopes apply). Ours is the
 * server time of `GET …/customers/records/:id/timeline` (access resolution, eight lists with counts, rollups,
 * masking, JSON); the baseline is the same reads hand-written with `pg`, run concurrently on a pool too.
 */
export async function run(): Promise<Comparison[]> {
  const target = await freshDatabase('trellis_bench_customer_view')
  const database = await openDatabase({ url: target.url, poolSize: 10 })
  const trellis = await trellisWithApp(database, crmRetentionApp())
  const pool = new pg.Pool({ connectionString: target.url, max: 10 })
  try {
    const adminTokenValue = await adminToken(trellis)
    const call = async (method: 'GET' | 'POST', url: string, body?: object, token = adminTokenValue) => {
      const res = await trellis.inject({
        method,
        url,
        headers: { authorization: `Bearer ${token}` },
        ...(body ? { payload: body } : {}),
      })
      if (res.statusCode >= 300)
        throw new Error(`${method} ${url}: ${res.statusCode} ${res.body.slice(0, 300)}`)
      return res.json() as Record<string, unknown> & { id: string; records: Array<{ id: string }> }
    }
    const base = '/api/apps/crm/forms'
    const stores = (
      await call('POST', `${base}/stores/records/bulk`, {
        records: [
          { values: { code: 'SH01', name: '静安店', city: 'shanghai' } },
          { values: { code: 'SH02', name: '徐汇店', city: 'shanghai' } },
        ],
      })
    ).records.map((r) => r.id)
    const customer = await call('POST', `${base}/customers/records`, {
      values: { name: '林小姐', phone: '+8613912345678', store: stores[0], tier: 'A', tags: ['vip'] },
    })
    const bulk = async (form: string, values: Array<Record<string, unknown>>) => {
      for (let i = 0; i < values.length; i += 1000)
        await call('POST', `${base}/${form}/records/bulk`, {
          records: values.slice(i, i + 1000).map((v) => ({ values: v })),
        })
    }
    const day = (i: number) => new Date(Date.UTC(2024, 0, 1) + i * 36e5 * 7).toISOString()
    // Her 500 orders, a few in the other store (the manager must not see those).
    await bulk(
      'orders',
      Array.from({ length: orders }, (_, i) => ({
        customer: customer.id,
        store: stores[i % 25 === 0 ? 1 : 0],
        ordered_at: day(i),
        amount: `${20 + (i % 80)}.50`,
        status: 'paid',
      })),
    )
    const others = await (async () => {
      const ids: string[] = []
      for (let i = 0; i < otherCustomers; i += 1000) {
        const page = await call('POST', `${base}/customers/records/bulk`, {
          records: Array.from({ length: Math.min(1000, otherCustomers - i) }, (_, j) => ({
            values: { name: `客户${i + j}`, store: stores[(i + j) % 2] },
          })),
        })
        ids.push(...page.records.map((r) => r.id))
      }
      return ids
    })()
    await bulk(
      'orders',
      others.flatMap((id, i) =>
        Array.from({ length: 5 }, (_, k) => ({
          customer: id,
          store: stores[i % 2],
          ordered_at: day(i + k),
          amount: '30.00',
          status: 'paid',
        })),
      ),
    )
    await bulk(
      'tasks',
      Array.from({ length: 40 }, (_, i) => ({
        customer: customer.id,
        title: `回访 ${i}`,
        kind: 'call_back',
        status: 'open',
      })),
    )
    await bulk(
      'points_ledger',
      Array.from({ length: 120 }, (_, i) => ({
        customer: customer.id,
        kind: 'earn',
        points: 10,
        occurred_at: day(i),
      })),
    )
    await pool.query(
      `insert into trellis.messages (app_key, rule_key, record_id, channel, recipient, locale, body, marketing, status, created_at)
       select 'crm', 'birthday_coupon', $1, 'sms', '+8613912345678', 'zh-CN', '生日快乐', true, 'stored', now() - i * interval '1 day'
       from generate_series(1, 30) as i`,
      [customer.id],
    )
    await pool.query('analyze')

    const manager = await trellis.trellis.users.create({
      username: 'bench_manager',
      password: 'bench-password',
      attributes: { store: stores[0] },
    })
    await trellis.trellis.access.setMember('crm', manager.id, 'store_manager')
    const managerToken = (
      await trellis.trellis.users.createToken(manager.id, { name: 'bench', scopes: ['records:read'] })
    ).token
    const url = `${base}/customers/records/${customer.id}/timeline?limit=20`

    // The same reads by hand: the customer with her store; every related form's newest 21 within the
    // manager's store (where the form has a store) with a count; messages, flows, audit, consents.
    const store = stores[0]
    const related: Array<[string, string, boolean]> = [
      ['orders', 'ordered_at', true],
      ['tickets', 'opened_at', true],
      ['tasks', 'done_at', false],
      ['coupons', 'issued_at', false],
      ['points_ledger', 'occurred_at', false],
      ['opportunities', 'stage_changed_at', true],
      ['surveys', 'answered_at', false],
    ]
    const columns = await pool.query<{ table_name: string; column_name: string }>(
      `select table_name, column_name from information_schema.columns where table_schema = 'app_crm'`,
    )
    const has = (table: string, column: string) =>
      columns.rows.some((c) => c.table_name === table && c.column_name === column)
    const handWritten = async () => {
      const reads: Array<Promise<unknown>> = [
        pool.query(
          `select c.*, s.name as store_name from app_crm.customers c left join app_crm.stores s on s.id = c.store
           where c.id = $1 and c.deleted_at is null and c.store = $2`,
          [customer.id, store],
        ),
      ]
      // A store manager sees the customer's purchase figures over their own store's orders only (the
      // server computes those rollups live for a scoped viewer): by hand, one aggregate query.
      reads.push(
        pool.query(
          `select count(*), sum(amount), avg(amount), min(ordered_at), max(ordered_at) from app_crm.orders
           where customer = $1 and store = $2 and deleted_at is null and status = 'paid'`,
          [customer.id, store],
        ),
      )
      for (const [table, order, scoped] of related) {
        const sort = has(table, order) ? order : 'id'
        const scope = scoped && has(table, 'store') ? 'and store = $2' : 'and $2::bigint is not null'
        reads.push(
          pool.query(
            `select * from app_crm.${table} where customer = $1 and deleted_at is null ${scope}
             order by ${sort} desc, id desc limit 21`,
            [customer.id, store],
          ),
          pool.query(
            `select count(*) from app_crm.${table} where customer = $1 and deleted_at is null ${scope}`,
            [customer.id, store],
          ),
        )
      }
      reads.push(
        pool.query(
          `select * from trellis.messages where app_key = 'crm' and record_id = $1 order by id desc limit 20`,
          [customer.id],
        ),
        pool.query(
          `select * from trellis.flow_instances where app_key = 'crm' and record_form = 'customers' and record_id = $1
           order by id desc limit 20`,
          [customer.id],
        ),
        pool.query(
          `select * from trellis.audit_log where app_key = 'crm' and form_key = 'customers' and record_id = $1
           order by at desc, id desc limit 20`,
          [customer.id],
        ),
        pool.query(
          `select * from trellis.consents where app_key = 'crm' and form_key = 'customers' and record_id = $1
           order by at desc limit 20`,
          [customer.id],
        ),
      )
      await Promise.all(reads)
    }

    const first = await call('GET', url, undefined, managerToken)
    const seen = (first.related as Array<{ form: string; count: number }>).find((r) => r.form === 'orders')!
    if (seen.count !== orders - Math.ceil(orders / 25)) throw new Error(`scoped orders: ${seen.count}`)
    for (let i = 0; i < 30; i++) {
      await call('GET', url, undefined, managerToken)
      await handWritten()
    }
    const ours: number[] = []
    const baseline: number[] = []
    for (let i = 0; i < samples; i++) {
      let start = performance.now()
      await call('GET', url, undefined, managerToken)
      ours.push(performance.now() - start)
      start = performance.now()
      await handWritten()
      baseline.push(performance.now() - start)
    }
    ours.sort((a, b) => a - b)
    baseline.sort((a, b) => a - b)
    const note = `hand-written SQL with pg (same reads, concurrent), a customer with ${orders} orders among ${otherCustomers.toLocaleString('en')} customers (PostgreSQL)`
    return [
      compare('customer-view-p50', 'ms', percentile(ours, 50), percentile(baseline, 50), false, note),
      compare('customer-view-p95', 'ms', percentile(ours, 95), percentile(baseline, 95), false, note),
    ]
  } finally {
    await trellis.close()
    await pool.end()
    await database.close()
    await target.drop()
  }
}
