import type { AppDefinition, LocalizedText } from '@trellis/form-engine'
import { crmAppKey, crmRetentionApp } from './app/crm-app.js'
import { generateDemoData } from './demo/generate.js'
import { mergeDuplicateCustomers, type MergedCustomer } from './demo/merge-duplicates.js'
import { demoFormOrder } from './demo/tables.js'
import type { DemoData, DemoOptions } from './demo/types.js'
import { t } from './app/text.js'
import { crmDashboards, crmReports, type TemplateDashboard, type TemplateReport } from './reports/index.js'

/** What an installer needs to know about a template: its app, and how to make its demo data. */
export interface TemplateDescriptor {
  key: string
  appKey: string
  name: LocalizedText
  description: LocalizedText
  app(): AppDefinition
  /** Saved reports installed with the app (stored outside its definition, in `trellis.reports`). */
  reports(): TemplateReport[]
  /** Dashboards installed with the app; their widgets name reports by the template's report key. */
  dashboards(): TemplateDashboard[]
  /** Demo data ready to load: duplicates merged, forms in insertion order. */
  demo(options?: DemoOptions): { data: DemoData; merged: MergedCustomer[]; order: readonly string[] }
}

export const crmRetentionTemplate: TemplateDescriptor = {
  key: 'crm-retention',
  appKey: crmAppKey,
  name: t('已成交客户管理', 'Customer retention CRM'),
  description: t(
    '门店、客户档案、订单、优惠券、积分、服务工单、满意度与商机，附 18 个月演示数据。',
    'Stores, customer files, orders, coupons, points, service tickets, satisfaction surveys and a sales pipeline, with 18 months of demo data.',
  ),
  app: crmRetentionApp,
  reports: () => structuredClone(crmReports),
  dashboards: () => structuredClone(crmDashboards),
  demo(options) {
    const raw = generateDemoData(options)
    const { data, merged } = mergeDuplicateCustomers(raw, crmRetentionApp())
    return { data, merged, order: demoFormOrder }
  },
}
