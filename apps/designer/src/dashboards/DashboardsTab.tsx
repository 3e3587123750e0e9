import type { BuilderTabProps } from '../builder/builder-tab'
import { ComingSoon } from '../builder/ComingSoon'

export default function DashboardsTab(_props: BuilderTabProps) {
  return <ComingSoon tab="dashboards" />
}
