/* eslint-disable @typescript-eslint/no-explicit-any -- grids are checked by assertions */
import { sql } from 'kysely'
import { beforeAll, expect, it } from 'vitest'
import { crmForms as base, shanghai, useCrmScenario } from './crm-scenario-kit.js'
import { describeEachDatabase } from './support/databases.js'

/**
 * The pipeline's stage history and its report (stage conversion, average days per stage) with the clock moved
 * forward: three opportunities moved through the stages by hand, the history written by the template's rules,
 * the report's figures equal to the timeline worked out below.
 */
describeEachDatabase('CRM template: pipeline stage history, conversion and days per stage', (ctx) => {
  const crm = useCrmScenario(ctx)
  const api = crm.api
  let contact: string
  const opportunities: Record<string, string> = {}
  const at = (localDate: string) => crm.clock.set(shanghai(`${localDate}T10:00:00`))
  const open = async (name: string, localDate: string) => {
    at(localDate)
    opportunities[name] = await crm.create('opportunities', {
      title: name,
      customer: contact,
      store: crm.store,
      company: '某公司',
    })
    await crm.drain()
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
    await crm.drain()
  }

  beforeAll(async () => {
    contact = await crm.create('customers', { name: '采购经理', store: crm.store })
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
