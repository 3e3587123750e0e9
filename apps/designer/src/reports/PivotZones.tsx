import { useDraggable, useDroppable } from '@dnd-kit/core'
import type { Aggregation, DateBucket } from '@trellis/report-engine'
import type { Dispatch, ReactNode } from 'react'
import { useTranslation } from 'react-i18next'
import { Button } from '../ui/Button'
import { Select } from '../ui/inputs'
import {
  aggregationsFor,
  DATE_BUCKETS,
  type BuilderAction,
  type BuilderState,
  type Zone,
} from './state/builder-reducer'
import styles from './reports.module.css'

/** What a drag of a placed item carries, and what a drop target says about where it is. */
export interface ItemDrag {
  kind: 'item'
  zone: Zone
  index: number
}
export interface DropTarget {
  zone: Zone
  index?: number
}

function Chip({
  zone,
  index,
  id,
  label,
  onRemove,
  children,
}: {
  zone: Zone
  index: number
  id: number
  label: string
  onRemove: () => void
  children?: ReactNode
}) {
  const { t } = useTranslation()
  const drag = useDraggable({
    id: `item:${zone}:${id}`,
    data: { kind: 'item', zone, index } satisfies ItemDrag,
  })
  const drop = useDroppable({ id: `drop:${zone}:${id}`, data: { zone, index } satisfies DropTarget })
  return (
    <li
      ref={drop.setNodeRef}
      className={styles.chip}
      data-item={label}
      data-over={drop.isOver || undefined}
      data-dragging={drag.isDragging || undefined}
    >
      <button
        ref={drag.setNodeRef}
        type="button"
        className={styles.chipHandle}
        aria-label={t('reports.zones.move', { name: label })}
        {...drag.attributes}
        {...drag.listeners}
      >
        ⋮⋮
      </button>
      <span className={styles.chipLabel}>{label}</span>
      {children}
      <Button
        size="small"
        variant="ghost"
        aria-label={t('reports.zones.remove', { name: label })}
        onClick={onRemove}
      >
        ×
      </Button>
    </li>
  )
}

function DropZone({
  zone,
  title,
  empty,
  wide,
  children,
}: {
  zone: Zone
  title: string
  empty: boolean
  wide?: boolean
  children: ReactNode
}) {
  const { t } = useTranslation()
  const { setNodeRef, isOver } = useDroppable({ id: `zone:${zone}`, data: { zone } satisfies DropTarget })
  return (
    <section
      ref={setNodeRef}
      className={wide ? `${styles.zone} ${styles.wideZone}` : styles.zone}
      data-zone={zone}
      data-over={isOver || undefined}
      aria-label={title}
    >
      <h3 className={styles.zoneTitle}>{title}</h3>
      {wide ? (
        children
      ) : empty ? (
        <p className={styles.zoneEmpty}>{t('reports.zones.empty')}</p>
      ) : (
        <ul className={styles.chips}>{children}</ul>
      )}
    </section>
  )
}

/** Rows, columns, measures and filters: where palette fields are dropped and then tuned. */
export function PivotZones({
  state,
  dispatch,
  labelOf,
  filters,
}: {
  state: BuilderState
  dispatch: Dispatch<BuilderAction>
  labelOf: (ref: string) => string
  /** The filter editor, shown in the filters zone (fields dropped there add a condition to it). */
  filters: ReactNode
}) {
  const { t } = useTranslation()
  const dimensions = (zone: 'rows' | 'columns') =>
    state[zone].map((d, index) => (
      <Chip
        key={d.id}
        zone={zone}
        index={index}
        id={d.id}
        label={labelOf(d.field)}
        onRemove={() => dispatch({ type: 'remove', zone, index })}
      >
        {d.use === 'date' && (
          <Select
            className={styles.chipSelect}
            aria-label={t('reports.zones.bucket', { name: labelOf(d.field) })}
            value={d.bucket ?? ''}
            onChange={(e) =>
              dispatch({ type: 'bucket', zone, index, bucket: (e.target.value || null) as DateBucket | null })
            }
          >
            <option value="">{t('reports.bucket.none')}</option>
            {DATE_BUCKETS.map((b) => (
              <option key={b} value={b}>
                {t(`reports.bucket.${b}`)}
              </option>
            ))}
          </Select>
        )}
      </Chip>
    ))
  return (
    <div className={styles.zones}>
      <DropZone zone="rows" title={t('reports.zones.rows')} empty={!state.rows.length}>
        {dimensions('rows')}
      </DropZone>
      <DropZone zone="columns" title={t('reports.zones.columns')} empty={!state.columns.length}>
        {dimensions('columns')}
      </DropZone>
      <DropZone zone="measures" title={t('reports.zones.measures')} empty={!state.measures.length}>
        {state.measures.map((m, index) => {
          const label = m.field ? labelOf(m.field) : t('reports.palette.records')
          return (
            <Chip
              key={m.id}
              zone="measures"
              index={index}
              id={m.id}
              label={label}
              onRemove={() => dispatch({ type: 'remove', zone: 'measures', index })}
            >
              <Select
                className={styles.chipSelect}
                aria-label={t('reports.zones.aggregation', { name: label })}
                value={m.agg}
                onChange={(e) => dispatch({ type: 'aggregation', index, agg: e.target.value as Aggregation })}
              >
                {aggregationsFor(m.field ? m.use : undefined).map((a) => (
                  <option key={a} value={a}>
                    {t(`reports.agg.${a}`)}
                  </option>
                ))}
              </Select>
            </Chip>
          )
        })}
      </DropZone>
      <DropZone zone="filters" title={t('reports.zones.filters')} empty={false} wide>
        {filters}
      </DropZone>
    </div>
  )
}
