import type { BuilderTabProps } from '../builder/builder-tab'
import { ComingSoon } from '../builder/ComingSoon'

export default function RulesTab(_props: BuilderTabProps) {
  return <ComingSoon tab="rules" />
}
