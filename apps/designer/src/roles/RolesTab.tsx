import type { BuilderTabProps } from '../builder/builder-tab'
import { ComingSoon } from '../builder/ComingSoon'

export default function RolesTab(_props: BuilderTabProps) {
  return <ComingSoon tab="roles" />
}
