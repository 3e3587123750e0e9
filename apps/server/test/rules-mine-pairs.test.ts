/* eslint-disable @typescript-eslint/no-explicit-any -- API bodies are checked by assertions */
import type { AppDefinition } from '@trellis/form-engine'
import { sql } from 'kysely'
import { beforeAll, expect, it } from 'vitest'
import { ManualClock } from '../src/automation/clock.js'
import { useApi } from './support/api.js'
import { describeEachDatabase } from './support/databases.js'

/**
 * The `mine_pairs` action run by a weekly rule: mined pairs inserted through the record writer (audit entries and
 * events), found again → figures refreshed while the shop's `enabled` and `days` stay, not found any more →
 * `mined` false, and a run with nothing new changes no figure and adds no record.
 */
const app: AppDefinition = {
  key: 'pairs',
  name: { en: 'Pairs shop' },
  timeZone: 'Asia/Shanghai',
  forms: [
    {
      key: 'products',
      label: { en: 'Products' },
      fields: [{ key: 'name', type: 'text', label: { en: 'Name' } }],
    },
    {
      key: 'orders',
      label: { en: 'Orders' },
      fields: [
        {
          key: 'status',
          type: 'select',
          label: { en: 'Status' },
          options: ['paid', 'refunded'].map((v) => ({ value: v, label: { en: v } })),
        },
      ],
    },
    {
      key: 'order_lines',
      label: { en: 'Lines' },
      fields: [
        { key: 'order', type: 'relation', label: { en: 'Order' }, relation: { form: 'orders' } },
        { key: 'product', type: 'relation', label: { en: 'Product' }, relation: { form: 'products' } },
      ],
    },
    {
      key: 'product_pairs',
      label: { en: 'Pairs' },
      fields: [
        { key: 'product', type: 'relation', label: { en: 'A' }, relation: { form: 'products' } },
        { key: 'recommend', type: 'relation', label: { en: 'B' }, relation: { form: 'products' } },
        { key: 'product_name', type: 'text', label: { en: 'A name' } },
        { key: 'recommend_name', type: 'text', label: { en: 'B name' } },
        { key: 'baskets', type: 'number', integer: true, label: { en: 'Baskets' } },
        { key: 'support', type: 'number', label: { en: 'Support' } },
        { key: 'confidence', type: 'number', label: { en: 'Confidence' } },
        { key: 'lift', type: 'number', label: { en: 'Lift' } },
        { key: 'mined_at', type: 'datetime', label: { en: 'Mined at' } },
        { key: 'mined', type: 'boolean', label: { en: 'Mined' }, default: true },
        { key: 'enabled', type: 'boolean', label: { en: 'Enabled' }, default: true },
        { key: 'days', type: 'number', integer: true, label: { en: 'Days' }, default: 3 },
      ],
    },
  ],
  rules: [
    {
      key: 'mine',
      name: { en: 'Mine pairs' },
      trigger: { kind: 'cron', cron: '0 4 * * 1' },
      actions: [
        {
          type: 'mine_pairs',
          filter: { '==': [{ var: 'order.status' }, 'paid'] },
          minBaskets: 2,
          minConfidence: 0.5,
        },
      ],
    },
  ],
}

interface Pair {
  id: string
  a: string
  b: string
  product_name: string
  recommend_name: string
  baskets: number
  support: number
  confidence: number
  lift: number
  mined: boolean
  enabled: boolean
  days: number
  mined_at: string
  version: number
}

describeEachDatabase('rules: mine_pairs upserts mined product pairs', (ctx) => {
  const api = useApi(ctx)
  const clock = new ManualClock('2026-06-01T02:00:00Z')
  const p: Record<string, string> = {}

  const create = async (form: string, values: object) => {
    const res = await api.call('POST', `/api/apps/pairs/forms/${form}/records`, { values })
    expect(res.status, JSON.stringify(res.body)).toBe(201)
    return String(res.body.id)
  }
  const basket = async (status: string, ...names: string[]) => {
    const order = await create('orders', { status })
    for (const name of names) await create('order_lines', { order, product: p[name] })
  }
  const mine = async (at: string) => {
    clock.set(at)
    const run = await api.call('POST', '/api/apps/pairs/rules/mine/run', {})
    expect(run.status, JSON.stringify(run.body)).toBe(202)
    await api.app.automation.drain()
  }
  const pairs = async (): Promise<Pair[]> => {
    const { rows } =
      await sql<any>`select id, product, recommend, product_name, recommend_name, baskets, support,
      confidence, lift, mined, enabled, days, mined_at, version from app_pairs.product_pairs
      where deleted_at is null order by product_name, recommend_name`.execute(ctx.database.db)
    return rows.map((r: any) => ({
      id: String(r.id),
      a: r.product_name,
      b: r.recommend_name,
      product_name: r.product_name,
      recommend_name: r.recommend_name,
      baskets: Number(r.baskets),
      support: Math.round(Number(r.support) * 1e6) / 1e6,
      confidence: Math.round(Number(r.confidence) * 1e6) / 1e6,
      lift: Math.round(Number(r.lift) * 1e6) / 1e6,
      mined: r.mined,
      enabled: r.enabled,
      days: Number(r.days),
      mined_at: new Date(r.mined_at).toISOString(),
      version: Number(r.version),
    }))
  }
  const brief = (rows: Pair[]) =>
    rows.map((r) => [`${r.a}→${r.b}`, r.baskets, r.support, r.confidence, r.mined, r.enabled, r.days])

  beforeAll(async () => {
    api.app.automation.clock = clock
    expect((await api.call('POST', '/api/apps', app)).status).toBe(201)
    expect((await api.call('POST', '/api/apps/pairs/publish', {})).status).toBe(200)
    for (const name of ['beans', 'croissant', 'toast', 'milk']) p[name] = await create('products', { name })
    // 4 paid baskets: beans+croissant twice, toast+milk twice (one with croissant); a refunded beans+toast.
    await basket('paid', 'beans', 'croissant')
    await basket('paid', 'beans', 'croissant')
    await basket('paid', 'toast', 'milk')
    await basket('paid', 'toast', 'milk', 'croissant')
    await basket('refunded', 'beans', 'toast')
    await api.app.automation.drain()
  })

  it('inserts the mined pairs with names and figures, through the audited record writer', async () => {
    await mine('2026-06-01T20:00:00Z')
    // croissant: in 3 baskets, with beans in 2 (2/3), with toast and milk in 1 (below minBaskets).
    expect(brief(await pairs())).toEqual([
      ['beans→croissant', 2, 0.5, 1, true, true, 3],
      ['croissant→beans', 2, 0.5, 0.666667, true, true, 3],
      ['milk→toast', 2, 0.5, 1, true, true, 3],
      ['toast→milk', 2, 0.5, 1, true, true, 3],
    ])
    const rows = await pairs()
    expect(rows[0]!.lift).toBe(round(1 / (3 / 4)))
    expect(new Set(rows.map((r) => r.mined_at))).toEqual(new Set(['2026-06-01T20:00:00.000Z']))
    const audit = await sql<{ n: number }>`select count(*)::int as n from trellis.audit_log
      where app_key = 'pairs' and form_key = 'product_pairs' and action = 'create' and actor = 'rule:mine'`.execute(
      ctx.database.db,
    )
    expect(audit.rows[0]!.n).toBe(4)
  })

  it('refreshes figures on a re-mine, leaves enabled and days alone and marks vanished pairs unmined', async () => {
    const before = await pairs()
    const toastMilk = before.find((r) => r.a === 'toast')!
    const res = await api.call('PATCH', `/api/apps/pairs/forms/product_pairs/records/${toastMilk.id}`, {
      version: toastMilk.version,
      values: { enabled: false, days: 7 },
    })
    expect(res.status, JSON.stringify(res.body)).toBe(200)
    // Beans with croissant a third time; toast alone twice: toast→milk drops to 2/4 < … still 0.5.
    await basket('paid', 'beans', 'croissant')
    await basket('paid', 'toast')
    await basket('paid', 'toast')
    await api.app.automation.drain()
    await mine('2026-06-02T20:00:00Z')
    const after = await pairs()
    // 7 paid baskets; beans 3, croissant 4, toast 4, milk 2.
    expect(brief(after)).toEqual([
      ['beans→croissant', 3, 0.428571, 1, true, true, 3],
      ['croissant→beans', 3, 0.428571, 0.75, true, true, 3],
      ['milk→toast', 2, 0.285714, 1, true, true, 3],
      ['toast→milk', 2, 0.285714, 0.5, true, false, 7],
    ])
    expect(after.map((r) => r.id)).toEqual(before.map((r) => r.id))
    expect(new Set(after.map((r) => r.mined_at))).toEqual(new Set(['2026-06-02T20:00:00.000Z']))

    // Two more toast-only baskets: toast→milk falls to 2/6, below the 0.5 confidence.
    await basket('paid', 'toast')
    await basket('paid', 'toast')
    await api.app.automation.drain()
    await mine('2026-06-03T20:00:00Z')
    const gone = (await pairs()).find((r) => r.a === 'toast')!
    expect([gone.mined, gone.enabled, gone.days, gone.confidence, gone.mined_at]).toEqual([
      false,
      false,
      7,
      0.5,
      '2026-06-02T20:00:00.000Z',
    ])
  })

  it('is idempotent: mining again with nothing new adds no record and changes no figure', async () => {
    const before = await pairs()
    await mine('2026-06-04T20:00:00Z')
    const after = await pairs()
    const figures = (rows: Pair[]) => rows.map(({ mined_at: _m, version: _v, ...rest }) => rest)
    expect(figures(after)).toEqual(figures(before))
    // The unmined pair is not written again; the others only get a new mined_at.
    const vanished = after.find((r) => r.a === 'toast')!
    expect(vanished.version).toBe(before.find((r) => r.a === 'toast')!.version)
    const runs = await sql<{
      outcome: string
    }>`select outcome, effects from trellis.rule_runs where rule_key = 'mine'
      order by id`.execute(ctx.database.db)
    // The run log: what each run did (the clock never crossed Monday 04:00, so only the manual runs ran).
    expect(runs.rows).toEqual(
      [
        [4, 0, 0],
        [0, 4, 0],
        [0, 3, 1],
        [0, 3, 0],
      ].map(([inserted, updated, unmined]) => ({
        outcome: 'succeeded',
        effects: [{ action: 0, type: 'mine_pairs', pairs: inserted! + updated!, inserted, updated, unmined }],
      })),
    )
  })

  it('a manual run and the weekly tick at once both succeed (the second waits for the first)', async () => {
    await basket('paid', 'milk', 'toast')
    await api.app.automation.drain()
    // Monday 8 June 04:00 in Shanghai has passed: the weekly tick is due along with the manual run.
    await mine('2026-06-07T20:30:00Z')
    const runs = await sql<{ outcome: string; occurrence: string }>`select outcome, occurrence
      from trellis.rule_runs where rule_key = 'mine' order by id`.execute(ctx.database.db)
    const last = runs.rows.slice(4)
    expect(last.map((r) => r.outcome)).toEqual(['succeeded', 'succeeded'])
    expect(last.map((r) => r.occurrence.split(':')[0]).sort()).toEqual(['cron', 'manual'])
    expect((await pairs()).length).toBe(4)
  })

  it('a pair the shop deleted is not mined back in', async () => {
    const milkToast = (await pairs()).find((r) => r.a === 'milk')!
    const del = await api.call('DELETE', `/api/apps/pairs/forms/product_pairs/records/${milkToast.id}`)
    expect(del.status, JSON.stringify(del.body)).toBeLessThan(300)
    await mine('2026-06-09T20:00:00Z')
    expect((await pairs()).map((r) => `${r.a}→${r.b}`)).toEqual([
      'beans→croissant',
      'croissant→beans',
      'toast→milk',
    ])
    const created = await sql<{ n: number }>`select count(*)::int as n from app_pairs.product_pairs`.execute(
      ctx.database.db,
    )
    expect(created.rows[0]!.n).toBe(4)
  })

  it('a pair the shop added by hand is theirs: mining never marks it unmined', async () => {
    await create('product_pairs', {
      product: p.milk,
      recommend: p.croissant,
      product_name: 'milk',
      recommend_name: 'croissant',
    })
    await mine('2026-06-10T20:00:00Z')
    const hand = (await pairs()).find((r) => r.a === 'milk' && r.b === 'croissant')!
    expect([hand.mined, hand.enabled, hand.days]).toEqual([true, true, 3])
  })
})

const round = (x: number) => Math.round(x * 1e6) / 1e6
