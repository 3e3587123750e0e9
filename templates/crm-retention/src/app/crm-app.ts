import type { AppDefinition } from '@trellis/form-engine'
import { customersForm } from './forms/customers.js'
import { tasksForm } from './forms/follow-ups.js'
import { couponsForm, pointsLedgerForm } from './forms/loyalty.js'
import { opportunitiesForm, stageChangesForm } from './forms/opportunities.js'
import { orderLinesForm, ordersForm } from './forms/orders.js'
import { productPairsForm } from './forms/product-pairs.js'
import { productsForm } from './forms/products.js'
import { surveysForm, ticketsForm } from './forms/service.js'
import { storesForm } from './forms/stores.js'
import { crmFlows } from './flows/index.js'
import { crmRoles } from './roles.js'
import { rfmScoringRule } from './rfm-scoring.js'
import { crmRules } from './rules.js'
import { t } from './text.js'

export const crmAppKey = 'crm'

/**
 * 已成交客户管理: the CRM retention app's definition: forms, flows, retention rules and roles (saved reports
 * and dashboards live outside the definition: see `reports/`). A fresh deep copy on every call, so a
 * caller may edit what it gets.
 */
export function crmRetentionApp(): AppDefinition {
  const app: AppDefinition = {
    key: crmAppKey,
    name: t('已成交客户管理', 'Customer retention'),
    timeZone: 'Asia/Shanghai',
    forms: [
      storesForm,
      customersForm,
      productsForm,
      ordersForm,
      orderLinesForm,
      productPairsForm,
      ticketsForm,
      surveysForm,
      tasksForm,
      couponsForm,
      pointsLedgerForm,
      opportunitiesForm,
      stageChangesForm,
    ],
    flows: crmFlows,
    rules: [...crmRules, rfmScoringRule],
    reports: [],
    dashboards: [],
    roles: crmRoles,
  }
  return structuredClone(app)
}
