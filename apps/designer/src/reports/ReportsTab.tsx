import type { BuilderTabProps } from '../builder/builder-tab'
import { ComingSoon } from '../builder/ComingSoon'

export default function ReportsTab(_props: BuilderTabProps) {
  return <ComingSoon tab="reports" />
}
