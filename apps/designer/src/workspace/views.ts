import { lazy, type ComponentType, type LazyExoticComponent } from 'react'
import type { PublishedView } from '../api/workspace'

/**
 * What every workspace view gets: the published app's key, the rest of the path after the view's name
 * (`/w/crm/records/customers/42` → view `records`, rest `['customers', '42']`), and the app's published
 * definition (forms with their fields and labels, for columns, pickers and labels).
 * Query parameters carry view state any view may link to: `records` reads `?filter=<JsonLogic as JSON>`,
 * which a dashboard's drill-down uses to open the records behind a chart point.
 */
export interface WorkspaceViewProps {
  appKey: string
  rest: string[]
  app: PublishedView['definition']
}

/** The workspace's views in menu order; each loads on demand. */
export const WORKSPACE_VIEWS = ['records', 'inbox', 'board', 'dashboards', 'import', 'messages'] as const
export type WorkspaceView = (typeof WORKSPACE_VIEWS)[number]

export const VIEW_PANELS: Record<WorkspaceView, LazyExoticComponent<ComponentType<WorkspaceViewProps>>> = {
  records: lazy(() => import('./records/RecordsView')),
  inbox: lazy(() => import('./inbox/InboxView')),
  board: lazy(() => import('./board/BoardView')),
  dashboards: lazy(() => import('./dashboards/DashboardsView')),
  import: lazy(() => import('./import/ImportView')),
  messages: lazy(() => import('./messages/MessagesView')),
}
