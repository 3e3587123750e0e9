/* eslint-disable @typescript-eslint/no-explicit-any -- grids are checked by assertions */
import { sql } from 'kysely'
import { beforeAll, expect, it } from 'vitest'
import { ManualClock } from '../src/automation/clock.js'
import { useApi } from './support/api.js'
import { describeEachDatabase } from './support/databases.js'

const base = '/api/apps/crm/forms'

/**
 * The pipeline's stage history and its report (stage conversion, average days per stage) with the clock moved
 * forward: three opportunities moved through the stages by hand, the history written by the template's rules,
 * the report's figures equal to the timeline worked out below.
 */
describeEachDatabase('CRM template: pipeline stage history, conversion and days per stage', (ctx) => {
  const api = useApi(ctx)
  const clock = new ManualClock('2026-06-01T02:00:00Z')
  let store: string
  let contact: string
  const opportunities: Record<string, string> = {}

  const drain = async () => {
    await api.app.automation.drain()
    await api.app.automation.drain()
  }
  const at = (localDate: string) => clock.set(new Date(`${localDate}T10:00:00+08:00`).toISOString())
  const create = async (form: string, values: Record<string, unknown>) => {
    const res = await api.call('POST', `${base}/${form}/records`, { values })
    expect(res.status, JSON.stringify(res.body)).toBe(201)
    return res.body as Record<string, any> & { id: string }
  }
  const open = async (name: string, localDate: string) => {
    at(localDate)
    opportunities[name] = (
      await create('opportunities', { title: name, customer: contact, store, company: '某公司' })
    ).id
    await drain()
  }
  const move = async (name: string, localDate: string, stage: string) => {
    at(localDate)
    const id = opportunities[name]!
    const current = (await api.call('GET', `${base}/opportunities/records/${id}`)).body
    const values = stage === 'lost' ? { stage, lost_reason: '预算不足' } : { stage }
    const res = await api.call('PATCH', `${base}/opportunities/records/${id}`, {
      version: current.version,
      values,
    })
    expect(res.status, JSON.stringify(res.body)).toBe(200)
    await drain()
  }

  beforeAll(async () => {
    api.app.automation.clock = clock
    expect((await api.call('POST', '/api/templates/crm-retention/install', {})).status).toBe(201)
    store = (await create('stores', { code: 'SH01', name: '静安店', city: 'shanghai' })).id
    contact = (await create('customers', { name: '采购经理', store })).id
    // A: lead 1 Jun → contact 4 Jun → demo 11 Jun → negotiation 21 Jun → won 1 Jul.
    // B: lead 1 Jun → contact 6 Jun → lost 16 Jun.  C: lead 10 Jun → contact 12 Jun (still there).
    await open('A', '2026-06-01')
    await open('B', '2026-06-01')
    await move('A', '2026-06-04', 'contact')
    await move('B', '2026-06-06', 'contact')
    await open('C', '2026-06-10')
    await move('A', '2026-06-11', 'demo')
    await move('C', '2026-06-12', 'contact')
    await move('B', '2026-06-16', 'lost')
    await move('A', '2026-06-21', 'negotiation')
    await move('A', '2026-07-01', 'won')
  })

  it('records every stage an opportunity entered, with the days spent in the one it left', async () => {
    const { rows } = await sql<{
      opportunity: string
      from_stage: string | null
      to_stage: string
      days: number | null
    }>`
      select opportunity::text as opportunity, from_stage, to_stage, days_in_stage::int as days
      from app_crm.opportunity_stage_changes order by changed_at, id`.execute(ctx.database.db)
    const { A, B, C } = opportunities as { A: string; B: string; C: string }
    expect(rows).toEqual([
      { opportunity: A, from_stage: null, to_stage: 'lead', days: null },
      { opportunity: B, from_stage: null, to_stage: 'lead', days: null },
      { opportunity: A, from_stage: 'lead', to_stage: 'contact', days: 3 },
      { opportunity: B, from_stage: 'lead', to_stage: 'contact', days: 5 },
      { opportunity: C, from_stage: null, to_stage: 'lead', days: null },
      { opportunity: A, from_stage: 'contact', to_stage: 'demo', days: 7 },
      { opportunity: C, from_stage: 'lead', to_stage: 'contact', days: 2 },
      { opportunity: B, from_stage: 'contact', to_stage: 'lost', days: 10 },
      { opportunity: A, from_stage: 'demo', to_stage: 'negotiation', days: 10 },
      { opportunity: A, from_stage: 'negotiation', to_stage: 'won', days: 10 },
    ])
  })

  it('the stage report gives each stage its conversion and average days, as worked out by hand', async () => {
    const reports = (await api.call('GET', '/api/apps/crm/reports')).body.reports as Array<{
      id: string
      name: { en: string }
    }>
    const report = reports.find((r) => r.name.en === 'Stage conversion and days per stage')!
    const run = await api.call('POST', `/api/apps/crm/reports/${report.id}/run`, { locale: 'en' })
    expect(run.status, JSON.stringify(run.body)).toBe(200)
    const grid = run.body.grid
    const measure = (key: string) => grid.measures.findIndex((m: any) => m.key === key)
    const figures: Record<string, number[]> = {}
    grid.rows.forEach((row: any, i: number) => {
      const name = row.total ? 'total' : row.cells[0].value
      figures[name] = ['left', 'advanced', 'conversion', 'avg_days'].map((k) =>
        Number(grid.values[i][0][measure(k)]),
      )
    })
    // lead: A 3 days, B 5, C 2, all forward; contact: A 7 forward, B 10 to lost; demo and negotiation: A 10 each.
    expect(figures.lead![0]).toBe(3)
    expect(figures.lead![1]).toBe(3)
    expect(figures.lead![2]).toBe(1)
    expect(figures.lead![3]).toBeCloseTo(10 / 3, 10)
    expect(figures.contact).toEqual([2, 1, 0.5, 8.5])
    expect(figures.demo).toEqual([1, 1, 1, 10])
    expect(figures.negotiation).toEqual([1, 1, 1, 10])
    expect(figures.total![0]).toBe(7)
    expect(figures.total![1]).toBe(6)
    expect(figures.total![2]).toBeCloseTo(6 / 7, 10)
    expect(figures.total![3]).toBeCloseTo(47 / 7, 10)
    // Stages nobody left yet (won, lost) have no row.
    expect(Object.keys(figures).sort()).toEqual(['contact', 'demo', 'lead', 'negotiation', 'total'])
  })
})
