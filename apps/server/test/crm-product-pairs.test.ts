import { pairMiningRule } from '@trellis/template-crm-retention'
import type { MinePairsConfig } from '@trellis/rule-engine'
import { sql } from 'kysely'
import { beforeAll, expect, it } from 'vitest'
import { minePairs } from '../src/automation/mine-pairs.js'
import type { DynamicDb } from '../src/db/dynamic.js'
import { useApi } from './support/api.js'
import { describeEachDatabase } from './support/databases.js'

/**
 * The CRM template's pair mining on its demo data: the pairs the generator plants (coffee beans → croissant,
 * toast ↔ milk) come out on top, and every stored figure equals counts written here against the app's tables
 * (orders with an EXISTS per product, not the report engine's self-join).
 */
describeEachDatabase('CRM template: product pairs mined from the demo data', (ctx) => {
  const api = useApi(ctx)
  const db = () => ctx.database.db as unknown as DynamicDb
  const mineConfig = pairMiningRule.actions[0] as MinePairsConfig
  let installedRules: string[] = []
  let afterInstall = 0

  interface Stored {
    a: string
    b: string
    pa: string
    pb: string
    a_name: string
    product_name: string
    recommend_name: string
    baskets: number
    support: number
    confidence: number
    lift: number
    mined: boolean
    enabled: boolean
    days: number
  }
  const stored = async () =>
    (
      await sql<Stored>`select pa.sku as a, pb.sku as b, cast(p.product as text) as pa, cast(p.recommend as text) as pb,
        pa.name as a_name, p.product_name, p.recommend_name, p.baskets::int as baskets, p.support, p.confidence,
        p.lift, p.mined, p.enabled, p.days::int as days
      from app_crm.product_pairs p join app_crm.products pa on pa.id = p.product
      join app_crm.products pb on pb.id = p.recommend
      where p.deleted_at is null and p.mined order by p.confidence desc, p.baskets desc, pb.id`.execute(db())
    ).rows

  beforeAll(async () => {
    const installed = await api.call('POST', '/api/templates/crm-retention/install', {
      demo: true,
      size: 300,
      seed: 7,
      end: '2026-06-30',
    })
    expect(installed.status, JSON.stringify(installed.body)).toBe(201)
    const published = await api.app.trellis.apps.requirePublished('crm')
    installedRules = (published.definition.rules ?? []).map((r) => (r as { key: string }).key)
    afterInstall = (await stored()).length
    await db()
      .transaction()
      .execute((trx) =>
        minePairs(trx, published, mineConfig, { now: new Date('2026-07-06T04:00:00+08:00'), actor: 'test' }),
      )
  }, 240_000)

  it('the install mines once, so the pairs are there before the first weekly run', () => {
    expect(installedRules).toContain(pairMiningRule.key)
    expect(afterInstall).toBeGreaterThan(0)
  })

  it('puts the planted pairs on top, named, with the shop’s defaults', async () => {
    const rows = await stored()
    const top = rows.slice(0, 4).map((r) => `${r.a}→${r.b}`)
    expect(top).toContain('CB-ESPR→BR-CROIS')
    expect(top).toContain('BR-TOAST→DR-MILK')
    expect(top).toContain('DR-MILK→BR-TOAST')
    // Only pairs the generator plants pass the rule's thresholds.
    const planted = new Set([
      'CB-ESPR→BR-CROIS',
      'CB-DRIP→BR-CROIS',
      'BR-TOAST→DR-MILK',
      'DR-MILK→BR-TOAST',
      'DR-LATTE→BR-CROIS',
      'CK-BD6→DS-TART4',
      'BR-CROIS→DR-LATTE',
    ])
    for (const r of rows) expect(planted.has(`${r.a}→${r.b}`), `${r.a}→${r.b}`).toBe(true)
    for (const r of rows) {
      expect([r.mined, r.enabled, r.days]).toEqual([true, true, 3])
      expect(r.product_name).toBe(r.a_name)
    }
  })

  it('stores support, confidence and lift equal to counts over the orders themselves', async () => {
    const paidBaskets = sql`select o.id from app_crm.orders o where o.deleted_at is null and o.status = 'paid'
      and exists (select 1 from app_crm.order_lines l where l."order" = o.id and l.deleted_at is null
        and l.product is not null)`
    const withProduct = (id: string) =>
      sql`exists (select 1 from app_crm.order_lines l where l."order" = o.id and l.deleted_at is null
        and l.product = ${id})`
    const count = async (where: ReturnType<typeof sql>) =>
      (
        await sql<{
          n: number
        }>`select count(*)::int as n from app_crm.orders o where o.id in (${paidBaskets}) and ${where}`.execute(
          db(),
        )
      ).rows[0]!.n
    const rows = await stored()
    expect(rows.length).toBeGreaterThanOrEqual(3)
    const total = await count(sql`true`)
    for (const r of rows) {
      const both = await count(sql`${withProduct(r.pa)} and ${withProduct(r.pb)}`)
      const a = await count(withProduct(r.pa))
      const b = await count(withProduct(r.pb))
      expect(r.baskets, `${r.a}→${r.b}`).toBe(both)
      expect(r.support).toBeCloseTo(both / total, 12)
      expect(r.confidence).toBeCloseTo(both / a, 12)
      expect(r.lift).toBeCloseTo(both / a / (b / total), 12)
      expect(both).toBeGreaterThanOrEqual(mineConfig.minBaskets!)
      expect(both / a).toBeGreaterThanOrEqual(mineConfig.minConfidence!)
    }
  })

  it('the owner dashboard’s pairs widget lists the mined pairs, best confidence first', async () => {
    const dashboards = (await api.call('GET', '/api/apps/crm/dashboards')).body.dashboards as Array<{
      id: string
      key?: string
      name: { en: string }
    }>
    const owner = dashboards.find((d) => d.name.en === 'Owner dashboard')!
    const run = await api.call('POST', `/api/apps/crm/dashboards/${owner.id}/run`, { locale: 'en' })
    expect(run.status).toBe(200)
    const widget = run.body.widgets.find((w: { key: string }) => w.key === 'product_pairs')
    expect(widget.error).toBeUndefined()
    const rows = await stored()
    const labels = widget.grid.rows
      .filter((r: { total?: boolean }) => !r.total)
      .map((r: { label: string }) => r.label)
    expect(labels).toEqual(rows.map((r) => `${r.product_name} → ${r.recommend_name}`))
  })
})
