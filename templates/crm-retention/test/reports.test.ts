import { compilePivot } from '@trellis/report-engine'
import { describe, expect, it } from 'vitest'
import { crmDashboards, crmReports, crmRetentionApp } from '../src/index.js'

const app = crmRetentionApp()
const schema = { app, dbSchema: 'app_crm' }

describe('the CRM template reports and dashboards', () => {
  it('every report compiles against the app, named in Chinese and English', () => {
    expect(crmReports.length).toBeGreaterThanOrEqual(10)
    for (const report of crmReports) {
      expect(() => compilePivot(report.spec, schema), report.key).not.toThrow()
      expect(report.name['zh-CN'] && report.name.en, report.key).toBeTruthy()
    }
  })

  it('has the owner, store and pipeline dashboards; every widget shows a report of the template', () => {
    expect(crmDashboards.map((d) => d.key)).toEqual(['owner', 'store', 'pipeline'])
    const keys = new Set(crmReports.map((r) => r.key))
    for (const dashboard of crmDashboards)
      for (const widget of dashboard.widgets) expect(keys.has(widget.report), widget.report).toBe(true)
    const owner = crmDashboards.find((d) => d.key === 'owner')!
    expect(owner.widgets.map((w) => w.report)).toEqual([
      'repurchase_trend',
      'lifecycle',
      'new_vs_returning',
      'value_by_tier',
      'rfm_segments',
      'cohort_retention',
      'coupon_redemption',
      'nps',
      'product_pairs',
    ])
  })

  it("the owner's store filter is bound to a field each widget's report can filter on", () => {
    const owner = crmDashboards.find((d) => d.key === 'owner')!
    // Product pairs are chain-wide: no store to bind; every other widget follows the filter.
    expect(owner.widgets.filter((w) => !w.bind).map((w) => w.key)).toEqual(['product_pairs'])
    for (const widget of owner.widgets.filter((w) => w.bind)) {
      const report = crmReports.find((r) => r.key === widget.report)!
      const bound = widget.bind!.store!
      const filter = { and: [report.spec.filter ?? true, { '==': [{ var: bound }, 1] }] }
      expect(() => compilePivot({ ...report.spec, filter }, schema), widget.key).not.toThrow()
    }
  })
})
