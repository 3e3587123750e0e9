export { crmDashboards, type TemplateDashboard } from './crm-dashboards.js'
export { crmReports, lifecycleCases, purchases, type TemplateReport } from './crm-reports.js'
