import { useTranslation } from 'react-i18next'
import { EmptyState } from '../../ui/EmptyState'
import type { WorkspaceViewProps } from '../views'

export default function ImportView(_props: WorkspaceViewProps) {
  const { t } = useTranslation()
  return <EmptyState title={t('workspace.views.import')} />
}
