import type { BuilderTabProps } from '../builder/builder-tab'
import { ComingSoon } from '../builder/ComingSoon'

export default function FlowsTab(_props: BuilderTabProps) {
  return <ComingSoon tab="flows" />
}
