import {
  closestCenter,
  DndContext,
  DragOverlay,
  KeyboardSensor,
  PointerSensor,
  useSensor,
  useSensors,
  type Collision,
  type CollisionDetection,
  type DragEndEvent,
  type DragStartEvent,
} from '@dnd-kit/core'
import { sortableKeyboardCoordinates } from '@dnd-kit/sortable'
import type { FieldType } from '@trellis/form-engine'
import { useCallback, useMemo, useRef, useState, type Dispatch } from 'react'
import { useTranslation } from 'react-i18next'
import { bothLanguages, localized } from '../i18n'
import { Button } from '../ui/Button'
import { EmptyState } from '../ui/EmptyState'
import { Field } from '../ui/Field'
import { TextInput } from '../ui/inputs'
import { Segmented } from '../ui/Segmented'
import { FIELD_GLYPHS } from './field-type-glyphs'
import { FieldPalette } from './FieldPalette'
import { CANVAS_ID, FormCanvas } from './FormCanvas'
import { FormList } from './FormList'
import { FormPreview } from './FormPreview'
import styles from './forms.module.css'
import { NewFormDialog } from './NewFormDialog'
import { PropertyPanel } from './PropertyPanel'
import {
  currentField,
  currentForm,
  fieldPath,
  type DesignerAction,
  type DesignerState,
} from './state/designer-reducer'
import { issuesByField, type PlacedIssue } from './state/issues'
import { spanOf } from './state/layout'

/**
 * A card under the pointer wins over the canvas around it; keyboard drags have no pointer, so nearest centre.
 * In a gap between cards the card last under the pointer stays the target (below every card, the canvas is:
 * a drop there appends): otherwise each gap crossed sent the shifted cards back and forth, and re-rendered
 * every sortable card twice. dnd-kit's rects recompute their scroll offset on every read of
 * top/left/bottom/right, so with 300 cards the library's pointerWithin (four reads per card and pointer move)
 * dominated a drag: this test reads the top first, then the left only for the cards of the pointer's row.
 */
function canvasCollisions(last: { current: Collision | undefined }): CollisionDetection {
  return (args) => {
    const pointer = args.pointerCoordinates
    if (!pointer) return closestCenter(args)
    let canvas: Collision | undefined
    let lowest = -Infinity
    for (const container of args.droppableContainers) {
      const rect = args.droppableRects.get(container.id)
      if (!rect) continue
      const top = rect.top
      const isCard = container.id !== CANVAS_ID
      if (isCard) lowest = Math.max(lowest, top + rect.height)
      if (pointer.y < top || pointer.y > top + rect.height) continue
      const left = rect.left
      if (pointer.x < left || pointer.x > left + rect.width) continue
      const hit = { id: container.id, data: { droppableContainer: container, value: 0 } }
      if (!isCard) {
        canvas = hit
        continue
      }
      last.current = hit
      return [hit]
    }
    if (canvas && last.current && pointer.y <= lowest) return [last.current]
    return canvas ? [canvas] : closestCenter(args)
  }
}

export interface FormDesignerProps {
  state: DesignerState
  dispatch: Dispatch<DesignerAction>
  issues: readonly PlacedIssue[]
}

export function FormDesigner({ state, dispatch, issues }: FormDesignerProps) {
  const { t, i18n } = useTranslation()
  const [mode, setMode] = useState<'design' | 'preview'>('design')
  const [newForm, setNewForm] = useState(false)
  const [dragging, setDragging] = useState<FieldType | undefined>()
  const sensors = useSensors(
    useSensor(PointerSensor, { activationConstraint: { distance: 5 } }),
    useSensor(KeyboardSensor, { coordinateGetter: sortableKeyboardCoordinates }),
  )
  const { app, autoKeys } = state.doc.present
  const form = currentForm(state)
  const field = currentField(state)
  const lastCard = useRef<Collision | undefined>(undefined)
  const collisions = useMemo(() => canvasCollisions(lastCard), [])
  const byField = useMemo(() => issuesByField(issues), [issues])
  const formIssueCounts = useMemo(() => {
    const counts = new Map<string, number>()
    for (const issue of issues) if (issue.form) counts.set(issue.form, (counts.get(issue.form) ?? 0) + 1)
    return counts
  }, [issues])

  // Stable, so the memoized field cards do not render again when the designer does (a drag starting, a panel edit).
  const selectField = useCallback(
    (key: string | null) => dispatch({ type: 'select-field', field: key }),
    [dispatch],
  )
  const resizeField = useCallback(
    (key: string, span: number) => dispatch({ type: 'set-span', field: key, span }),
    [dispatch],
  )

  const addField = (type: FieldType, index?: number) =>
    dispatch({ type: 'add-field', fieldType: type, label: bothLanguages(`fieldType.${type}`), index })

  const onDragStart = (event: DragStartEvent) => {
    lastCard.current = undefined
    const data = event.active.data.current as { source?: string; type?: FieldType } | undefined
    setDragging(data?.source === 'palette' ? data.type : undefined)
  }
  const onDragEnd = ({ active, over }: DragEndEvent) => {
    setDragging(undefined)
    if (!over || !form) return
    const data = active.data.current as { source?: string; type?: FieldType } | undefined
    if (data?.source === 'palette' && data.type) {
      const index = form.fields.findIndex((candidate) => candidate.key === over.id)
      addField(data.type, index < 0 ? undefined : index)
    } else if (over.id !== CANVAS_ID && over.id !== active.id) {
      dispatch({ type: 'move-field', from: String(active.id), to: String(over.id) })
    }
  }

  const formKeys = app.forms.map((candidate) => candidate.key)
  return (
    <DndContext
      sensors={sensors}
      collisionDetection={collisions}
      onDragStart={onDragStart}
      onDragEnd={onDragEnd}
      onDragCancel={() => setDragging(undefined)}
    >
      <div className={styles.layout}>
        <aside className={styles.left}>
          <FormList
            app={app}
            selected={form?.key ?? null}
            issueCounts={formIssueCounts}
            onSelect={(key) => dispatch({ type: 'select-form', form: key })}
            onNew={() => setNewForm(true)}
          />
          {form && <FieldPalette onAdd={(type) => addField(type)} disabled={!form} />}
        </aside>

        <div className={styles.center}>
          {form ? (
            <>
              <div className={styles.centerHead}>
                <h2 className={styles.formTitle}>
                  {localized(form.label, i18n.language)} <code>{form.key}</code>
                </h2>
                <Segmented
                  label={t('canvas.mode')}
                  value={mode}
                  onChange={setMode}
                  options={[
                    { value: 'design', label: t('canvas.design') },
                    { value: 'preview', label: t('canvas.preview') },
                  ]}
                />
              </div>
              {byField.get(form.key)?.map((issue, index) => (
                <p key={index} className={styles.formIssue} role="alert">
                  {issue.message}
                </p>
              ))}
              {mode === 'design' ? (
                <FormCanvas
                  form={form}
                  selected={field?.key ?? null}
                  issues={byField}
                  onSelect={selectField}
                  onResize={resizeField}
                />
              ) : (
                <FormPreview form={form} />
              )}
            </>
          ) : (
            <div className={styles.centerEmpty}>
              <EmptyState title={t('forms.empty')}>
                <p>{t('forms.emptyHint')}</p>
                <Button variant="primary" onClick={() => setNewForm(true)}>
                  {t('forms.new')}
                </Button>
              </EmptyState>
            </div>
          )}
        </div>

        <aside className={styles.right}>
          {form && field ? (
            <PropertyPanel
              key={`${form.key}`}
              app={app}
              formKey={form.key}
              field={field}
              span={spanOf(form, field)}
              locked={state.locked.includes(fieldPath(form.key, field.key))}
              autoKey={autoKeys.includes(fieldPath(form.key, field.key))}
              issues={byField.get(fieldPath(form.key, field.key)) ?? []}
              dispatch={dispatch}
            />
          ) : form ? (
            <section className={styles.panel} aria-label={t('props.formHeading')}>
              <h2 className={styles.sectionTitle}>{t('props.formHeading')}</h2>
              <FormLabels form={form} dispatch={dispatch} />
              <p className={styles.hint}>{t('props.none')}</p>
            </section>
          ) : null}
        </aside>
      </div>

      <DragOverlay dropAnimation={null}>
        {dragging && (
          <div className={styles.overlayChip}>
            <span className={styles.glyph}>{FIELD_GLYPHS[dragging]}</span>
            {t(`fieldType.${dragging}`)}
          </div>
        )}
      </DragOverlay>

      <NewFormDialog
        open={newForm}
        taken={formKeys}
        onClose={() => setNewForm(false)}
        onCreate={(key, label) => dispatch({ type: 'add-form', key, label })}
      />
    </DndContext>
  )
}

function FormLabels({
  form,
  dispatch,
}: {
  form: { label: Record<string, string> }
  dispatch: Dispatch<DesignerAction>
}) {
  const { t } = useTranslation()
  return (
    <>
      {(['zh-CN', 'en'] as const).map((lang) => (
        <Field key={lang} label={lang === 'en' ? t('forms.labelEn') : t('forms.labelZh')}>
          {({ id }) => (
            <TextInput
              id={id}
              value={form.label[lang] ?? ''}
              onChange={(event) => dispatch({ type: 'set-form-label', lang, text: event.target.value })}
            />
          )}
        </Field>
      ))}
    </>
  )
}
