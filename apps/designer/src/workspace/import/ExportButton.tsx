import { useTranslation } from 'react-i18next'
import { importsApi } from '../../api/imports'
import { engineLocale } from '../../i18n'
import styles from './import.module.css'

export interface ExportButtonProps {
  appKey: string
  form: string
  /** The records list's JsonLogic filter: the file holds what the view shows. */
  filter?: unknown
}

/**
 * Downloads the records the viewer may see (row scope, hidden and masked fields as in the list) as CSV or
 * XLSX, through plain links: the browser streams the file itself, however large.
 */
export function ExportButton({ appKey, form, filter }: ExportButtonProps) {
  const { t, i18n } = useTranslation()
  const locale = engineLocale(i18n.language)
  return (
    <span className={styles.export} role="group" aria-label={t('importWizard.export')}>
      <span className={styles.exportLabel}>{t('importWizard.export')}</span>
      {(['csv', 'xlsx'] as const).map((format) => (
        <a
          key={format}
          className={styles.link}
          href={importsApi.exportUrl(appKey, form, format, filter, locale)}
          download
        >
          {format.toUpperCase()}
        </a>
      ))}
    </span>
  )
}
