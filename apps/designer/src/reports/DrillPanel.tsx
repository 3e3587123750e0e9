import type { FormSchema } from '@trellis/form-engine'
import { useTranslation } from 'react-i18next'
import type { DrillResult } from '../api/reports'
import { textOf } from '../charts/format'
import { Button } from '../ui/Button'
import styles from './reports.module.css'

const shown = (value: unknown) =>
  value === null || value === undefined
    ? ''
    : typeof value === 'object'
      ? JSON.stringify(value)
      : String(value)

/** The records behind a clicked cell: how many, and the first page with the form's first columns. */
export function DrillPanel({
  drill,
  form,
  title,
  onClose,
  onOpen,
}: {
  drill: DrillResult
  form: FormSchema | undefined
  title: string
  onClose: () => void
  /** Opens the records view with this drill's filter. */
  onOpen?: () => void
}) {
  const { t, i18n } = useTranslation()
  const columns = (form?.fields ?? []).filter((f) => !f.archived && f.type !== 'attachment').slice(0, 6)
  return (
    <section className={styles.drill} data-testid="drill-panel" aria-label={t('reports.drill.heading')}>
      <div className={styles.drillHead}>
        <h3 className={styles.sectionTitle}>
          {title} · <span data-testid="drill-count">{t('reports.drill.count', { count: drill.count })}</span>
        </h3>
        <div className={styles.actions}>
          {onOpen && (
            <Button size="small" onClick={onOpen}>
              {t('reports.drill.open')}
            </Button>
          )}
          <Button size="small" variant="ghost" onClick={onClose}>
            {t('reports.drill.close')}
          </Button>
        </div>
      </div>
      <div className={styles.drillTable}>
        <table>
          <thead>
            <tr>
              {columns.map((c) => (
                <th key={c.key}>{textOf(c.label, i18n.language)}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {drill.records.map((r) => (
              <tr key={r.id}>
                {columns.map((c) => (
                  <td key={c.key}>{shown(r[c.key])}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {drill.count > drill.records.length && (
        <p className={styles.hint}>{t('reports.drill.more', { shown: drill.records.length })}</p>
      )}
    </section>
  )
}
