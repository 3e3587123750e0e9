import { useCallback, useEffect, useReducer } from 'react'
import { useTranslation } from 'react-i18next'
import { tasksApi, type InboxTask, type Outcome } from '../../api/tasks'
import { localized } from '../../i18n'
import { Badge } from '../../ui/Badge'
import { Button } from '../../ui/Button'
import { EmptyState } from '../../ui/EmptyState'
import { Field } from '../../ui/Field'
import { TextArea } from '../../ui/inputs'
import { Notice } from '../../ui/Notice'
import { formatValue } from '../records/format-value'
import type { WorkspaceViewProps } from '../views'
import { dueState, emptyInbox, inboxReducer, isQueued, needsComment, sortInbox } from './inbox-state'
import styles from './inbox.module.css'

const OUTCOME_TONE = { approve: 'primary', reject: 'danger', return: 'default' } as const

export default function InboxView({ appKey, app }: WorkspaceViewProps) {
  const { t, i18n } = useTranslation()
  const [state, dispatch] = useReducer(inboxReducer, emptyInbox)
  const [loading, setLoading] = useReducer((_: boolean, next: boolean) => next, true)

  const reload = useCallback(async () => {
    try {
      const { tasks } = await tasksApi.inbox(appKey)
      dispatch({ type: 'loaded', tasks })
    } catch (error) {
      dispatch({ type: 'failed', message: (error as Error).message })
    } finally {
      setLoading(false)
    }
  }, [appKey])

  useEffect(() => {
    void reload()
  }, [reload])

  const { mine, queue } = sortInbox(state.tasks)
  const task = state.tasks.find((candidate) => candidate.id === state.selected)
  const now = new Date()

  const claim = async (target: InboxTask) => {
    dispatch({ type: 'busy' })
    try {
      await tasksApi.claim(target.id)
      await reload()
    } catch (error) {
      dispatch({ type: 'failed', message: (error as Error).message })
    }
  }
  const complete = async (target: InboxTask, outcome: Outcome) => {
    if (needsComment(outcome) && !state.comment.trim()) {
      dispatch({ type: 'failed', message: t('inbox.commentRequired') })
      return
    }
    dispatch({ type: 'busy' })
    try {
      await tasksApi.complete(target.id, outcome, state.comment.trim() || undefined)
      dispatch({ type: 'completed', id: target.id, outcome })
    } catch (error) {
      dispatch({ type: 'failed', message: (error as Error).message })
    }
  }

  const row = (item: InboxTask) => {
    const due = dueState(item, now)
    return (
      <li key={item.id}>
        <button
          type="button"
          className={styles.item}
          aria-current={item.id === state.selected || undefined}
          data-task={item.id}
          onClick={() => dispatch({ type: 'select', id: item.id })}
        >
          <span className={styles.itemName}>{item.name ?? item.nodeId}</span>
          <span className={styles.itemMeta}>
            {recordTitle(item, app.forms) ?? item.flow}
            {due === 'overdue' && <Badge tone="danger">{t('inbox.overdue')}</Badge>}
            {due === 'dueSoon' && <Badge tone="warning">{t('inbox.dueSoon')}</Badge>}
            {item.returned && <Badge tone="accent">{t('inbox.returned')}</Badge>}
          </span>
        </button>
      </li>
    )
  }

  if (loading) return <p className={styles.muted}>{t('inbox.loading')}</p>
  return (
    <div className={styles.inbox}>
      <aside className={styles.list} aria-label={t('inbox.title')}>
        <h1 className={styles.heading}>{t('inbox.title')}</h1>
        {state.done && (
          <Notice tone="success">
            {t('inbox.done', { name: state.done.name, outcome: t(`inbox.outcomes.${state.done.outcome}`) })}
          </Notice>
        )}
        <h2 className={styles.group}>
          {t('inbox.mine')} <span className={styles.count}>{mine.length}</span>
        </h2>
        {mine.length ? (
          <ul className={styles.items}>{mine.map(row)}</ul>
        ) : (
          <p className={styles.muted}>{t('inbox.none')}</p>
        )}
        <h2 className={styles.group}>
          {t('inbox.queue')} <span className={styles.count}>{queue.length}</span>
        </h2>
        {queue.length ? (
          <ul className={styles.items}>{queue.map(row)}</ul>
        ) : (
          <p className={styles.muted}>{t('inbox.none')}</p>
        )}
      </aside>
      <section className={styles.detail}>
        {!task ? (
          <EmptyState title={t('inbox.empty')} />
        ) : (
          <TaskDetail
            task={task}
            forms={app.forms}
            flowName={flowName(app, task.flow)}
            roleName={roleName(app, task.assignee.value, i18n.language)}
            language={i18n.language}
            comment={state.comment}
            busy={state.busy}
            error={state.error}
            onComment={(text) => dispatch({ type: 'comment', text })}
            onClaim={() => void claim(task)}
            onComplete={(outcome) => void complete(task, outcome)}
          />
        )}
      </section>
    </div>
  )
}

type Forms = WorkspaceViewProps['app']['forms']

function recordTitle(task: InboxTask, forms: Forms): string | null {
  const values = task.record?.values
  if (!values) return null
  const form = forms.find((f) => f.key === task.record?.form)
  const key = form?.titleField ?? form?.fields.find((f) => f.type === 'text')?.key
  const title = key ? values[key] : undefined
  return title === null || title === undefined || title === '' ? `#${task.record!.id}` : String(title)
}

type App = WorkspaceViewProps['app']

/** The flow's name as designed (flows keep one name; the key when none was given). */
function flowName(app: App, key: string): string {
  const flows = (app as { flows?: Array<{ key: string; name?: string }> }).flows
  return flows?.find((f) => f.key === key)?.name || key
}

function roleName(app: App, key: string | null, language: string): string {
  const role = app.roles?.find((r) => r.key === key)
  return role ? localized(role.label, language) || role.key : (key ?? '')
}

function TaskDetail(props: {
  task: InboxTask
  forms: Forms
  flowName: string
  roleName: string
  language: string
  comment: string
  busy: boolean
  error: string | null
  onComment: (text: string) => void
  onClaim: () => void
  onComplete: (outcome: Outcome) => void
}) {
  const { task, forms, language } = props
  const { t } = useTranslation()
  const form = forms.find((f) => f.key === task.record?.form)
  const values = task.record?.values
  const due = dueState(task, new Date())
  const queued = isQueued(task)
  return (
    <div className={styles.task} data-testid="task-detail">
      <header className={styles.taskHeader}>
        <h2 className={styles.taskTitle}>{task.name ?? task.nodeId}</h2>
        <span className={styles.muted}>
          {t('inbox.flow', { flow: props.flowName })}
          {task.assignee.kind === 'role' && ` · ${t('inbox.role', { role: props.roleName })}`}
        </span>
        {task.dueAt && (
          <span className={styles.muted}>
            {t('inbox.dueAt', { at: new Date(task.dueAt).toLocaleString(language) })}{' '}
            {due === 'overdue' && <Badge tone="danger">{t('inbox.overdue')}</Badge>}
            {due === 'dueSoon' && <Badge tone="warning">{t('inbox.dueSoon')}</Badge>}
          </span>
        )}
      </header>
      {task.returned && (
        <Notice tone="warning">{t('inbox.returnedWith', { comment: task.returned.comment ?? '' })}</Notice>
      )}
      <div className={styles.context}>
        <h3 className={styles.group}>{form ? localized(form.label, language) : t('inbox.record')}</h3>
        {values && form ? (
          <dl className={styles.fields} data-testid="task-record">
            {form.fields
              .filter((f) => !f.archived && f.key in values)
              .map((f) => (
                <div key={f.key} className={styles.fieldRow}>
                  <dt>{localized(f.label, language)}</dt>
                  <dd>{formatValue(f, values[f.key], language) || '—'}</dd>
                </div>
              ))}
          </dl>
        ) : (
          <p className={styles.muted}>{t('inbox.noRecord')}</p>
        )}
      </div>
      {queued ? (
        <div className={styles.actions}>
          <p className={styles.muted}>{t('inbox.claimHint')}</p>
          <Button variant="primary" disabled={props.busy} onClick={props.onClaim}>
            {t('inbox.claim')}
          </Button>
        </div>
      ) : null}
      <Field label={t('inbox.comment')} error={props.error ?? undefined}>
        {({ id, describedBy, invalid }) => (
          <TextArea
            id={id}
            rows={3}
            aria-describedby={describedBy}
            aria-invalid={invalid || undefined}
            value={props.comment}
            onChange={(e) => props.onComment(e.target.value)}
          />
        )}
      </Field>
      <div className={styles.actions}>
        {(['approve', 'reject', 'return'] as const)
          .filter((outcome) => task.outcomes.includes(outcome))
          .map((outcome) => (
            <Button
              key={outcome}
              variant={OUTCOME_TONE[outcome]}
              disabled={props.busy}
              onClick={() => props.onComplete(outcome)}
            >
              {t(`inbox.outcomes.${outcome}`)}
            </Button>
          ))}
      </div>
    </div>
  )
}
