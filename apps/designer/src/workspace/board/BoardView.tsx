import {
  DndContext,
  KeyboardSensor,
  PointerSensor,
  useDraggable,
  useDroppable,
  useSensor,
  useSensors,
  type DragEndEvent,
} from '@dnd-kit/core'
import { formatFieldError, type FieldDef, type FormSchema } from '@trellis/form-engine'
import { useEffect, useMemo, useReducer, useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { TFunction } from 'i18next'
import { ApiError } from '../../api/client'
import { engineLocale, localized } from '../../i18n'
import { navigate } from '../../router'
import { Badge } from '../../ui/Badge'
import { EmptyState } from '../../ui/EmptyState'
import { Select } from '../../ui/inputs'
import { Notice } from '../../ui/Notice'
import type { WorkspaceViewProps } from '../views'
import { boardApi } from './board-api'
import {
  boardColumns,
  boardFields,
  boardReducer,
  cardTitle,
  daysInStage,
  emptyBoard,
  pickBoard,
  type BoardRecord,
} from './board-state'
import view from '../view.module.css'
import styles from './board.module.css'

/** The server's refusal in the user's language; a skipped stage names the stage to take first. */
function refusalText(error: unknown, field: FieldDef, language: string, t: TFunction) {
  if (!(error instanceof ApiError)) return error instanceof Error ? error.message : String(error)
  const detail = (error.details as Array<{ code: string; params?: Record<string, unknown> }> | undefined)?.[0]
  if (detail?.code === 'field.stage_skipped') {
    const next = field.options?.find((o) => o.value === detail.params?.next)
    return t('board.skipped', { next: next ? localized(next.label, language) : String(detail.params?.next) })
  }
  if (detail) return formatFieldError(detail, engineLocale(language))
  return error.message
}

export default function BoardView({ appKey, rest, app }: WorkspaceViewProps) {
  const { t, i18n } = useTranslation()
  const picked = useMemo(() => pickBoard(app.forms, rest), [app.forms, rest])
  const [state, dispatch] = useReducer(boardReducer, emptyBoard)
  const [load, setLoad] = useState<'loading' | 'ready' | string>('loading')
  const sensors = useSensors(
    useSensor(PointerSensor, { activationConstraint: { distance: 5 } }),
    useSensor(KeyboardSensor),
  )
  const formKey = picked?.form.key
  const canMove = picked
    ? (app.forms.find((f) => f.key === formKey)?.access.actions.includes('update') ?? false)
    : false

  useEffect(() => {
    if (!formKey) return
    let cancelled = false
    setLoad('loading')
    boardApi.load(appKey, formKey).then(
      (records) => {
        if (cancelled) return
        dispatch({ type: 'loaded', records })
        setLoad('ready')
      },
      (error: Error) => !cancelled && setLoad(error.message),
    )
    return () => {
      cancelled = true
    }
  }, [appKey, formKey])

  if (!picked) return <EmptyState title={t('board.noSelectField')} />
  const { form, field } = picked
  const columns = boardColumns(state.records, field)
  const now = new Date()

  const onDragEnd = ({ active, over }: DragEndEvent) => {
    if (!over) return
    const record = state.records.find((r) => r.id === String(active.id))
    const to = String(over.id)
    if (!record || record[field.key] === to) return
    dispatch({ type: 'move', id: record.id, field: field.key, to })
    boardApi.move(appKey, form.key, record, field.key, to).then(
      (saved) => dispatch({ type: 'moved', record: saved }),
      (error: unknown) =>
        dispatch({
          type: 'refused',
          id: record.id,
          field: field.key,
          message: refusalText(error, field, i18n.language, t),
        }),
    )
  }

  const choose = (nextForm: string, nextField?: string) =>
    navigate({
      page: 'workspace',
      app: appKey,
      view: 'board',
      rest: nextField ? [nextForm, nextField] : [nextForm],
    })

  return (
    <div className={`${view.view} ${styles.board}`}>
      <header className={view.header}>
        <h1 className={view.title}>{localized(form.label, i18n.language)}</h1>
        <label className={view.picker}>
          <span>{t('board.form')}</span>
          <Select value={form.key} onChange={(e) => choose(e.target.value)}>
            {app.forms
              .filter((f) => boardFields(f).length > 0)
              .map((f) => (
                <option key={f.key} value={f.key}>
                  {localized(f.label, i18n.language)}
                </option>
              ))}
          </Select>
        </label>
        <label className={view.picker}>
          <span>{t('board.groupBy')}</span>
          <Select value={field.key} onChange={(e) => choose(form.key, e.target.value)}>
            {boardFields(form).map((f) => (
              <option key={f.key} value={f.key}>
                {localized(f.label, i18n.language)}
              </option>
            ))}
          </Select>
        </label>
        {field.pipeline?.noSkip && <Badge tone="accent">{t('board.inOrder')}</Badge>}
      </header>
      {state.error && (
        <div className={styles.notice} data-testid="board-error">
          <Notice tone="danger">
            {t('board.refused', { title: cardTitleOf(state.records, state.error.id, form) })}{' '}
            {state.error.message}
          </Notice>
        </div>
      )}
      {load !== 'ready' && load !== 'loading' && (
        <Notice tone="danger">{t('board.loadFailed', { message: load })}</Notice>
      )}
      {load === 'loading' ? (
        <p className={styles.muted}>{t('board.loading')}</p>
      ) : (
        <DndContext sensors={sensors} onDragEnd={onDragEnd}>
          <div className={styles.columns}>
            {columns.map((column) => (
              <Column
                key={column.value}
                value={column.value}
                label={localized(column.label, i18n.language)}
                count={column.records.length}
              >
                {column.records.map((record) => (
                  <Card
                    key={record.id}
                    record={record}
                    form={form}
                    days={daysInStage(record, field, now)}
                    pending={record.id in state.pending}
                    disabled={!canMove}
                  />
                ))}
              </Column>
            ))}
          </div>
        </DndContext>
      )}
    </div>
  )
}

function cardTitleOf(records: BoardRecord[], id: string, form: FormSchema) {
  const record = records.find((r) => r.id === id)
  return record ? cardTitle(record, form) : `#${id}`
}

function Column({
  value,
  label,
  count,
  children,
}: {
  value: string
  label: string
  count: number
  children: React.ReactNode
}) {
  const { setNodeRef, isOver } = useDroppable({ id: value })
  return (
    <section
      ref={setNodeRef}
      className={styles.column}
      data-column={value}
      data-over={isOver || undefined}
      aria-label={label}
    >
      <h2 className={styles.columnTitle}>
        <span>{label}</span>
        <span className={styles.count}>{count}</span>
      </h2>
      <div className={styles.cards}>{children}</div>
    </section>
  )
}

/** First money-like field: what a pipeline card shows under its title. */
function amountOf(record: BoardRecord, form: FormSchema, language: string): string | null {
  const field = form.fields.find((f) => f.type === 'currency' && !f.archived)
  const value = field ? record[field.key] : null
  if (value === null || value === undefined || value === '') return null
  const n = Number(value)
  return Number.isFinite(n)
    ? new Intl.NumberFormat(language, {
        style: 'currency',
        currency: field?.currency ?? 'CNY',
        maximumFractionDigits: 0,
      }).format(n)
    : String(value)
}

function Card({
  record,
  form,
  days,
  pending,
  disabled,
}: {
  record: BoardRecord
  form: FormSchema
  days: number | null
  pending: boolean
  disabled: boolean
}) {
  const { t, i18n } = useTranslation()
  const { attributes, listeners, setNodeRef, transform, isDragging } = useDraggable({
    id: record.id,
    disabled,
  })
  const style = transform ? { transform: `translate3d(${transform.x}px, ${transform.y}px, 0)` } : undefined
  const amount = amountOf(record, form, i18n.language)
  return (
    <article
      ref={setNodeRef}
      style={style}
      className={styles.card}
      data-card={record.id}
      data-dragging={isDragging || undefined}
      data-pending={pending || undefined}
      {...attributes}
      {...listeners}
    >
      <p className={styles.cardTitle}>{cardTitle(record, form)}</p>
      <div className={styles.cardMeta}>
        {amount && <span>{amount}</span>}
        {days !== null && (
          <span className={styles.days} data-testid="days-in-stage" title={t('board.daysHint')}>
            {t('board.days', { count: days })}
          </span>
        )}
      </div>
    </article>
  )
}
