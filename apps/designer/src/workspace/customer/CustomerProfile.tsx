import type { FieldDef } from '@trellis/form-engine'
import { useTranslation } from 'react-i18next'
import type { RecordJson } from '../../api/records'
import type { WorkspaceForm } from '../../api/workspace'
import { Badge } from '../../ui/Badge'
import { fieldLabel, formatValue, recordTitle } from '../records/format-value'
import styles from './customer.module.css'

export interface CustomerProfileProps {
  form: WorkspaceForm
  forms: WorkspaceForm[]
  record: RecordJson
}

const isRfm = (f: FieldDef) => f.key.startsWith('rfm_')
const isConsent = (f: FieldDef) => f.type === 'boolean' && f.key.startsWith('consent_')
const isStat = (f: FieldDef) => f.type === 'rollup' || f.type === 'formula'
const isTier = (f: FieldDef) => f.type === 'select' && /tier|level|grade/.test(f.key)

/**
 * Who the customer is at a glance: name and contacts, tags, tier with RFM scores and segment, consent per
 * channel, purchase figures (the rollups), then every other field. Works for any form; the CRM's
 * customers are the case it is laid out for.
 */
export function CustomerProfile({ form, forms, record }: CustomerProfileProps) {
  const { t, i18n } = useTranslation()
  const fields = form.fields.filter((f) => !f.archived)
  const show = (f: FieldDef) => formatValue(f, record[f.key], i18n.language, record, forms)
  const label = (f: FieldDef) => fieldLabel(f, f.key, i18n.language)
  const contacts = fields.filter((f) => ['phone', 'email'].includes(f.type) && record[f.key])
  const tags = fields.filter((f) => f.type === 'tags' || f.type === 'multi_select')
  const tier = fields.find(isTier)
  const rfm = fields.filter(isRfm)
  const consents = fields.filter(isConsent)
  const stats = fields.filter(isStat)
  const shown = new Set<string>([
    form.titleField ?? '',
    tier?.key ?? '',
    ...[...contacts, ...tags, ...rfm, ...consents, ...stats].map((f) => f.key),
  ])
  const rest = fields.filter((f) => !shown.has(f.key) && f.type !== 'long_text' && show(f))
  const notes = fields.filter((f) => f.type === 'long_text' && show(f))

  return (
    <section className={styles.profile} aria-label={t('customer.profile')} data-testid="customer-profile">
      <div className={styles.identity}>
        <h1 className={styles.name}>{recordTitle(form, record)}</h1>
        {tier && record[tier.key] ? <Badge tone="accent">{show(tier)}</Badge> : null}
      </div>
      {contacts.map((f) => (
        <div key={f.key} className={styles.contact} data-field={f.key}>
          <span className={styles.muted}>{label(f)}</span> {show(f)}
        </div>
      ))}
      {tags.some((f) => Array.isArray(record[f.key]) && (record[f.key] as unknown[]).length) && (
        <div className={styles.tags}>
          {tags.flatMap((f) =>
            (Array.isArray(record[f.key]) ? (record[f.key] as string[]) : []).map((v) => (
              <Badge key={`${f.key}:${v}`}>{formatValue(f, [v], i18n.language)}</Badge>
            )),
          )}
        </div>
      )}
      {rfm.length > 0 && (
        <div className={styles.block}>
          <h2 className={styles.blockTitle}>{t('customer.rfm')}</h2>
          <dl className={styles.pairs}>
            {rfm.map((f) => (
              <div key={f.key}>
                <dt>{label(f)}</dt>
                <dd data-field={f.key}>{show(f) || '—'}</dd>
              </div>
            ))}
          </dl>
        </div>
      )}
      {consents.length > 0 && (
        <div className={styles.block}>
          <h2 className={styles.blockTitle}>{t('customer.consent')}</h2>
          <div className={styles.tags}>
            {consents.map((f) => (
              <Badge key={f.key} tone={record[f.key] ? 'success' : 'neutral'}>
                {label(f)} {record[f.key] ? '✓' : '✗'}
              </Badge>
            ))}
          </div>
        </div>
      )}
      {stats.length > 0 && (
        <dl className={styles.stats}>
          {stats.map((f) => (
            <div key={f.key} className={styles.stat}>
              <dt>{label(f)}</dt>
              <dd data-field={f.key}>{show(f) || '—'}</dd>
            </div>
          ))}
        </dl>
      )}
      {rest.length > 0 && (
        <dl className={styles.pairs}>
          {rest.map((f) => (
            <div key={f.key}>
              <dt>{label(f)}</dt>
              <dd data-field={f.key}>{show(f)}</dd>
            </div>
          ))}
        </dl>
      )}
      {notes.map((f) => (
        <div key={f.key} className={styles.block}>
          <h2 className={styles.blockTitle}>{label(f)}</h2>
          <p className={styles.note}>{show(f)}</p>
        </div>
      ))}
    </section>
  )
}
