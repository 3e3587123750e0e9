import type { AppDefinition } from '@trellis/form-engine'
import type { AppSection, DesignerAction } from '../forms/state/designer-reducer'

/**
 * What every builder tab but the form designer gets: the app's draft as it stands (forms included, for
 * field pickers), a way to replace one section of it (an undoable edit; Save and Publish in the top bar
 * cover it), and whether that app has a published version yet (flows and rules run only once published).
 */
export interface BuilderTabProps {
  appKey: string
  app: AppDefinition
  publishedVersion: number | null
  /** The definition as last loaded or saved: a new object after each save (the flow tab re-reads the server's issues then). */
  savedApp?: AppDefinition
  setSection(section: AppSection, value: unknown[], group?: string): void
  dispatch(action: DesignerAction): void
}
