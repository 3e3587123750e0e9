import { useSortable } from '@dnd-kit/sortable'
import { CSS } from '@dnd-kit/utilities'
import type { FieldDef } from '@trellis/form-engine'
import { memo } from 'react'
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
  /** The resize handle's accessible name, translated once by the canvas rather than in each of 300 cards. */
  resizeLabel: string
  onSelect: (field: string) => void
  onResize: (field: string, span: number) => void
}

/**
 * One field on the canvas. dnd-kit re-renders every sortable card whenever the card under the pointer changes,
 * so the card is split: this shell (position, transform, listeners) follows the drag, and its content is a
 * memoized body that renders again only when the field itself changes. With 300 fields a drag stays cheap.
 */
export const FieldCard = memo(function FieldCard({
  field,
  span,
  selected,
  issueCount,
  resizeLabel,
  onSelect,
  onResize,
}: FieldCardProps) {
  const sortable = useSortable({ id: field.key, data: { source: 'canvas' } })
  const resize = useResize(span, (next) => onResize(field.key, next))
  // The sorting strategy gives every card a transform while the pointer is over a card, 0 for those that stay:
  // as 'none' those stay untouched, instead of 300 transitions starting each time the pointer crosses a gap.
  const offset = sortable.transform
  const style = {
    gridColumn: `span ${resize.span}`,
    transform: offset && (offset.x || offset.y) ? CSS.Translate.toString(offset) : undefined,
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
      onClick={() => onSelect(field.key)}
    >
      <CardBody field={field} issueCount={issueCount} />
      <span
        className={styles.resizeHandle}
        role="separator"
        aria-orientation="vertical"
        aria-label={resizeLabel}
        data-resize={field.key}
        {...resize.handle}
      />
    </div>
  )
})

const CardBody = memo(function CardBody({ field, issueCount }: { field: FieldDef; issueCount: number }) {
  const { t, i18n } = useTranslation()
  return (
    <>
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
    </>
  )
})
