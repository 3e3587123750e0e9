import { label as t } from './crm-reports.js'

/** A dashboard the template installs; widgets name reports by their template key. */
export interface TemplateDashboard {
  key: string
  name: { 'zh-CN': string; en: string }
  filters: Array<{ key: string; type: 'date_range' | 'value'; label?: { 'zh-CN': string; en: string } }>
  widgets: Array<{
    key: string
    report: string
    x: number
    y: number
    w: number
    h: number
    bind?: Record<string, string>
  }>
}

/** Where each report's records name their store, for the owner's store filter. */
const storeOf: Record<string, string> = {
  repurchase_trend: 'store',
  lifecycle: 'store',
  new_vs_returning: 'store',
  value_by_tier: 'store',
  rfm_segments: 'store',
  cohort_retention: 'store',
  coupon_redemption: 'customer.store',
  nps: 'customer.store',
  monthly_sales: 'store',
  pipeline_funnel: 'store',
  pipeline_stages: 'store',
}

/** Widgets laid out two per row (6 of 12 columns each), every one following the store filter. */
function grid(reports: string[], withStoreFilter: boolean): TemplateDashboard['widgets'] {
  return reports.map((report, i) => ({
    key: report,
    report,
    x: (i % 2) * 6,
    y: Math.floor(i / 2) * 4,
    w: 6,
    h: 4,
    // Reports over chain-wide records (product pairs) have no store to bind.
    ...(withStoreFilter && storeOf[report] ? { bind: { store: storeOf[report] } } : {}),
  }))
}

export const crmDashboards: TemplateDashboard[] = [
  {
    key: 'owner',
    name: t('老板看板', 'Owner dashboard'),
    filters: [{ key: 'store', type: 'value', label: t('门店', 'Store') }],
    widgets: grid(
      [
        'repurchase_trend',
        'lifecycle',
        'new_vs_returning',
        'value_by_tier',
        'rfm_segments',
        'cohort_retention',
        'coupon_redemption',
        'nps',
        'product_pairs',
      ],
      true,
    ),
  },
  {
    // The same figures for one store: a store manager's role scope (their store's customers and orders)
    // applies to every widget, so the dashboard needs no filter of its own.
    key: 'store',
    name: t('门店看板', 'Store dashboard'),
    filters: [],
    widgets: grid(
      ['monthly_sales', 'repurchase_trend', 'lifecycle', 'new_vs_returning', 'value_by_tier'],
      false,
    ),
  },
  {
    key: 'pipeline',
    name: t('商机漏斗', 'Pipeline'),
    filters: [],
    widgets: grid(['pipeline_funnel', 'pipeline_stages'], false),
  },
]
