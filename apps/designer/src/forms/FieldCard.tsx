import { useSortable } from '@dnd-kit/sortable'
import { CSS } from '@dnd-kit/utilities'
import type { FieldDef } from '@trellis/form-engine'
import { useTranslation } from 'react-i18next'
import { localized } from '../i18n'
import { Badge } from '../ui/Badge'
import { FIELD_GLYPHS } from './field-type-glyphs'
import styles from './forms.module.css'
import { useResize } from './use-resize'

export interface FieldCardProps {
  field: FieldDef
  span: number
  selected: boolean
  issueCount: number
  onSelect: () => void
  onResize: (span: number) => void
}

export function FieldCard({ field, span, selected, issueCount, onSelect, onResize }: FieldCardProps) {
  const { t, i18n } = useTranslation()
  const sortable = useSortable({ id: field.key, data: { source: 'canvas' } })
  const resize = useResize(span, onResize)
  const style = {
    gridColumn: `span ${resize.span}`,
    transform: CSS.Translate.toString(sortable.transform),
    transition: sortable.transition,
  }
  return (
    <div
      ref={sortable.setNodeRef}
      style={style}
      className={styles.card}
      data-selected={selected || undefined}
      data-dragging={sortable.isDragging || undefined}
      data-over={sortable.isOver || undefined}
      data-field={field.key}
      data-span={resize.span}
      {...sortable.attributes}
      {...sortable.listeners}
      onClick={onSelect}
    >
      <div className={styles.cardHead}>
        <span className={styles.glyph} aria-hidden="true">
          {FIELD_GLYPHS[field.type]}
        </span>
        <span className={styles.cardLabel}>{localized(field.label, i18n.language) || field.key}</span>
        {field.required && (
          <span className={styles.requiredMark} aria-label={t('canvas.required')}>
            *
          </span>
        )}
      </div>
      <div className={styles.cardMeta}>
        <code>{field.key}</code>
        <span>{t(`fieldType.${field.type}`)}</span>
        {field.unique && <Badge>{t('canvas.unique')}</Badge>}
        {issueCount > 0 && <Badge tone="danger">{t('canvas.issue', { count: issueCount })}</Badge>}
      </div>
      <span
        className={styles.resizeHandle}
        role="separator"
        aria-orientation="vertical"
        aria-label={t('canvas.resize')}
        data-resize={field.key}
        {...resize.handle}
      />
    </div>
  )
}
