export { crmAppKey, crmRetentionApp } from './app/crm-app.js'
export { pairMiningRule } from './app/pair-mining.js'
export { memberTiers, rfmSegments, sourceChannels } from './app/forms/customers.js'
export { pipelineStages } from './app/forms/opportunities.js'
export {
  midAutumn,
  springFestival,
  mooncakeSeasonDays,
  newYearSeasonDays,
  seasonOf,
  dayWeight,
} from './demo/calendar.js'
export { demoProductPairs, demoProducts, demoStores } from './demo/catalog.js'
export { generateDemoData } from './demo/generate.js'
export { mergeDuplicateCustomers, type MergedCustomer } from './demo/merge-duplicates.js'
export { demoFormOrder } from './demo/tables.js'
export { memberTier, type Purchase } from './demo/tiers.js'
export { demoDefaults, type DemoData, type DemoOptions, type DemoRecord } from './demo/types.js'
export { crmRetentionTemplate, type TemplateDescriptor } from './template.js'
export {
  crmDashboards,
  crmReports,
  lifecycleCases,
  purchases,
  type TemplateDashboard,
  type TemplateReport,
} from './reports/index.js'
export { crmFlows } from './app/flows/index.js'
export { quoteFinanceThreshold } from './app/flows/quote-approval.js'
export { stallDays } from './app/flows/pipeline-stall.js'
