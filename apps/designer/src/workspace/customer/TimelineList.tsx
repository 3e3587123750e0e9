import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { RelatedSection } from '../../api/records'
import type { WorkspaceForm } from '../../api/workspace'
import { localized } from '../../i18n'
import { navigate } from '../../router'
import { Badge } from '../../ui/Badge'
import { Button } from '../../ui/Button'
import { fieldLabel, formatValue, recordTitle } from '../records/format-value'
import { matches, type TimelineFilter, type TimelineItem } from './timeline'
import styles from './customer.module.css'

export interface TimelineListProps {
  appKey: string
  forms: WorkspaceForm[]
  related: RelatedSection[]
  items: TimelineItem[]
  counts: { messages: number; flows: number; history: number }
  onMore: (form: string) => void
}

const when = (at: string | null, language: string) =>
  !at
    ? ''
    : at.length === 10
      ? at
      : new Date(at).toLocaleString(language, { dateStyle: 'medium', timeStyle: 'short' })

/** The one timeline, filterable by kind; a related record opens in place (its fields under its line). */
export function TimelineList({ appKey, forms, related, items, counts, onMore }: TimelineListProps) {
  const { t, i18n } = useTranslation()
  const [filter, setFilter] = useState<TimelineFilter>('all')
  const [open, setOpen] = useState<string | null>(null)
  const formOf = (key: string) => forms.find((f) => f.key === key)
  const formName = (key: string) => localized(formOf(key)?.label, i18n.language) || key

  const chips: Array<{ value: TimelineFilter; label: string; count: number }> = [
    { value: 'all', label: t('customer.all'), count: items.length },
    ...related.map((section) => ({
      value: `form:${section.form}` as TimelineFilter,
      label: formName(section.form),
      count: section.count ?? section.records.length,
    })),
    { value: 'messages', label: t('customer.messages'), count: counts.messages },
    { value: 'flows', label: t('customer.flows'), count: counts.flows },
    { value: 'history', label: t('customer.history'), count: counts.history },
  ]
  const shown = items.filter((item) => matches(item, filter))
  const more = filter.startsWith('form:') ? related.find((s) => `form:${s.form}` === filter) : undefined

  const summary = (item: TimelineItem) => {
    switch (item.kind) {
      case 'record': {
        const form = formOf(item.form)
        const fields = (form?.fields ?? []).filter(
          (f) =>
            f.key !== item.via &&
            f.key !== form?.titleField &&
            ['select', 'currency', 'number', 'date'].includes(f.type),
        )
        const details = fields
          .slice(0, 3)
          .map((f) => formatValue(f, item.record[f.key], i18n.language))
          .filter(Boolean)
        return {
          badge: formName(item.form),
          title: recordTitle(form, item.record),
          details: details.join(' · '),
        }
      }
      case 'message':
        return {
          badge: t('customer.message', { channel: item.message.channel }),
          title: item.message.subject ?? item.message.body,
          details: `${item.message.recipient} · ${t(`customer.messageStatus.${item.message.status}`, { defaultValue: item.message.status })}`,
        }
      case 'flow':
        return {
          badge: t('customer.flow'),
          title: item.flow.flow,
          details: t(`customer.flowStatus.${item.flow.status}`, { defaultValue: item.flow.status }),
        }
      case 'audit':
        return {
          badge: t('customer.audit'),
          title: t(`customer.auditAction.${item.entry.action}`, { defaultValue: item.entry.action }),
          details: [item.entry.actor ?? t('customer.system'), item.entry.changed.join(', ')]
            .filter(Boolean)
            .join(' · '),
        }
      case 'consent':
        return {
          badge: t('customer.consent'),
          title: t(item.consent.granted ? 'customer.granted' : 'customer.withdrawn', {
            channel: item.consent.channel,
          }),
          details: item.consent.source,
        }
    }
  }

  return (
    <section className={styles.timeline} aria-label={t('customer.timeline')} data-testid="timeline">
      <div className={styles.chips} role="group" aria-label={t('customer.show')}>
        {chips.map((chip) => (
          <button
            key={chip.value}
            type="button"
            className={styles.chipButton}
            aria-pressed={filter === chip.value}
            onClick={() => setFilter(chip.value)}
          >
            {chip.label} <span className={styles.muted}>{chip.count}</span>
          </button>
        ))}
      </div>
      {shown.length === 0 && <p className={styles.muted}>{t('customer.nothing')}</p>}
      <ol className={styles.entries}>
        {shown.map((item) => {
          const s = summary(item)
          const expanded = open === item.key
          return (
            <li key={item.key} className={styles.entry} data-kind={item.kind} data-item={item.key}>
              <div className={styles.when}>{when(item.at, i18n.language)}</div>
              <button
                type="button"
                className={styles.entryHead}
                aria-expanded={item.kind === 'record' ? expanded : undefined}
                onClick={() => setOpen(expanded ? null : item.key)}
              >
                <Badge tone={item.kind === 'record' ? 'accent' : 'neutral'}>{s.badge}</Badge>
                <span className={styles.entryTitle}>{s.title}</span>
                <span className={styles.muted}>{s.details}</span>
              </button>
              {expanded && item.kind === 'record' && (
                <div className={styles.peek}>
                  <dl className={styles.pairs}>
                    {(formOf(item.form)?.fields ?? [])
                      .filter((f) => !f.archived && f.key !== item.via)
                      .map((f) => {
                        const value = formatValue(f, item.record[f.key], i18n.language, item.record, forms)
                        return value ? (
                          <div key={f.key}>
                            <dt>{fieldLabel(f, f.key, i18n.language)}</dt>
                            <dd>{value}</dd>
                          </div>
                        ) : null
                      })}
                  </dl>
                  <Button
                    size="small"
                    onClick={() =>
                      navigate({
                        page: 'workspace',
                        app: appKey,
                        view: 'records',
                        rest: [item.form, item.record.id],
                      })
                    }
                  >
                    {t('customer.openRecord')}
                  </Button>
                </div>
              )}
              {expanded && item.kind === 'message' && <p className={styles.peek}>{item.message.body}</p>}
            </li>
          )
        })}
      </ol>
      <div className={styles.chips}>
        {(filter === 'all' ? related : more ? [more] : [])
          .filter((section) => section.nextCursor)
          .map((section) => (
            <Button key={section.form} size="small" onClick={() => onMore(section.form)}>
              {t('customer.more', { form: formName(section.form) })}
            </Button>
          ))}
      </div>
    </section>
  )
}
