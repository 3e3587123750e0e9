import { useDroppable } from '@dnd-kit/core'
import { rectSortingStrategy, SortableContext } from '@dnd-kit/sortable'
import { useMemo } from 'react'
import { useTranslation } from 'react-i18next'
import { EmptyState } from '../ui/EmptyState'
import { FieldCard } from './FieldCard'
import styles from './forms.module.css'
import type { PlacedIssue } from './state/issues'
import { GRID_COLUMNS, spanOf, type DesignedForm } from './state/layout'

export const CANVAS_ID = 'canvas'

export interface FormCanvasProps {
  form: DesignedForm
  selected: string | null
  issues: ReadonlyMap<string, PlacedIssue[]>
  onSelect: (field: string | null) => void
  onResize: (field: string, span: number) => void
}

export function FormCanvas({ form, selected, issues, onSelect, onResize }: FormCanvasProps) {
  const { t } = useTranslation()
  const resizeLabel = t('canvas.resize')
  const { setNodeRef, isOver } = useDroppable({ id: CANVAS_ID })
  const fields = useMemo(() => form.fields.filter((field) => !field.archived), [form.fields])
  // The same array while the fields stay the same: SortableContext re-renders its cards when it changes.
  const items = useMemo(() => fields.map((field) => field.key), [fields])
  return (
    <div
      ref={setNodeRef}
      className={styles.canvas}
      data-grid
      data-over={isOver || undefined}
      style={{ gridTemplateColumns: `repeat(${GRID_COLUMNS}, minmax(0, 1fr))` }}
      aria-label={t('canvas.label')}
      data-testid="canvas"
      onClick={(event) => {
        if (event.target === event.currentTarget) onSelect(null)
      }}
    >
      <SortableContext items={items} strategy={rectSortingStrategy}>
        {fields.map((field) => (
          <FieldCard
            key={field.key}
            field={field}
            span={spanOf(form, field)}
            selected={field.key === selected}
            issueCount={issues.get(`${form.key}.${field.key}`)?.length ?? 0}
            resizeLabel={resizeLabel}
            onSelect={onSelect}
            onResize={onResize}
          />
        ))}
      </SortableContext>
      {fields.length === 0 && (
        <div className={styles.canvasEmpty}>
          <EmptyState title={t('canvas.empty')}>
            <p>{t('canvas.emptyHint')}</p>
          </EmptyState>
        </div>
      )}
    </div>
  )
}
