import { lazy, type ComponentType, type LazyExoticComponent } from 'react'
import type { BuilderTabProps } from './builder-tab'

// Each builder is its own chunk: the flow canvas and echarts load when their tab opens, not with the shell.
export const TAB_PANELS: Record<string, LazyExoticComponent<ComponentType<BuilderTabProps>>> = {
  flows: lazy(() => import('../flows/FlowsTab')),
  rules: lazy(() => import('../rules/RulesTab')),
  reports: lazy(() => import('../reports/ReportsTab')),
  dashboards: lazy(() => import('../dashboards/DashboardsTab')),
  roles: lazy(() => import('../roles/RolesTab')),
}
