import type { FlowDefinition, Outcome } from '@trellis/flow-engine'
import { useTranslation } from 'react-i18next'
import { JsonEditor } from '../forms/JsonEditor'
import { Badge } from '../ui/Badge'
import { Button } from '../ui/Button'
import { Notice } from '../ui/Notice'
import { waitingOf, type RunAction, type TestRun } from './state/test-run'
import styles from './flows.module.css'

export interface Sample {
  record: Record<string, unknown>
  variables: Record<string, unknown>
}

const asObject = (value: unknown): Record<string, unknown> =>
  value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {}

const STATUS_TONE = {
  running: 'accent',
  completed: 'success',
  failed: 'danger',
  cancelled: 'warning',
} as const

/**
 * Steps the flow with the engine's advance() in the browser: start with sample data, then complete the
 * waiting tasks, fire timers and settle service tasks by hand, watching the tokens move on the canvas.
 */
export function TestRunPanel({
  flow,
  run,
  dispatch,
  sample,
  onSample,
  blocked,
  labelOf,
}: {
  /** The definition the run walks (the flow as it was when the run started). */
  flow: FlowDefinition
  run: TestRun
  dispatch: (action: RunAction) => void
  sample: Sample
  onSample: (sample: Sample) => void
  /** Errors on the flow: the engine would refuse to start it on the server. */
  blocked: boolean
  labelOf: (nodeId: string) => string
}) {
  const { t } = useTranslation()
  const waiting = waitingOf(run, flow)
  const state = run.state
  const complete = (taskId: string, outcome: Outcome) => dispatch({ type: 'complete_task', taskId, outcome })
  return (
    <div className={styles.panel} data-testid="test-run">
      <div className={styles.panelHead}>
        <h2 className={styles.panelTitle}>{t('flows.run.title')}</h2>
        {state && (
          <span data-run-status={state.status}>
            <Badge tone={STATUS_TONE[state.status]}>{t(`flows.run.status.${state.status}`)}</Badge>
          </span>
        )}
      </div>
      <JsonEditor
        label={t('flows.run.record')}
        hint={t('flows.run.recordHint')}
        value={sample.record}
        onChange={(record) => onSample({ ...sample, record: asObject(record) })}
      />
      <JsonEditor
        label={t('flows.run.variables')}
        value={sample.variables}
        onChange={(variables) => onSample({ ...sample, variables: asObject(variables) })}
      />
      {blocked && <Notice tone="warning">{t('flows.run.blocked')}</Notice>}
      <div className={styles.row}>
        <Button
          variant="primary"
          disabled={blocked}
          onClick={() =>
            dispatch({
              type: 'start',
              at: new Date().toISOString(),
              record: sample.record,
              variables: sample.variables,
            })
          }
        >
          {state ? t('flows.run.restart') : t('flows.run.start')}
        </Button>
        {state && (
          <Button variant="ghost" onClick={() => dispatch({ type: 'reset' })}>
            {t('flows.run.stop')}
          </Button>
        )}
      </div>
      {state?.status === 'failed' && state.error && (
        <Notice tone="danger">
          {t('flows.run.failed', { code: state.error.code, message: state.error.message })}
        </Notice>
      )}
      {state?.status === 'completed' && (
        <Notice tone="success">{t('flows.run.completed', { result: state.result ?? '—' })}</Notice>
      )}

      {waiting.tasks.map((task) => (
        <div key={task.taskId} className={styles.waitCard} data-run-task={task.nodeId}>
          <span>{t('flows.run.task', { node: labelOf(task.nodeId) })}</span>
          <div className={styles.row}>
            {task.outcomes.map((outcome) => (
              <Button
                key={outcome}
                size="small"
                variant={outcome === 'approve' ? 'primary' : outcome === 'return' ? 'ghost' : 'default'}
                onClick={() => complete(task.taskId, outcome)}
              >
                {t(`flows.outcome.${outcome}`)}
              </Button>
            ))}
          </div>
        </div>
      ))}
      {waiting.timers.map((timer) => (
        <div key={timer.timerId} className={styles.waitCard} data-run-timer={timer.nodeId}>
          <span>
            {t(timer.purpose === 'due' ? 'flows.run.due' : 'flows.run.timer', {
              node: labelOf(timer.nodeId),
              at: timer.dueAt ?? '?',
            })}
          </span>
          <Button size="small" onClick={() => dispatch({ type: 'fire_timer', timerId: timer.timerId })}>
            {t('flows.run.fire')}
          </Button>
        </div>
      ))}
      {waiting.actions.map((action) => (
        <div key={action.actionId} className={styles.waitCard} data-run-action={action.nodeId}>
          <span>{t('flows.run.action', { node: labelOf(action.nodeId) })}</span>
          <div className={styles.row}>
            <Button size="small" onClick={() => dispatch({ type: 'action_done', actionId: action.actionId })}>
              {t('flows.run.actionDone')}
            </Button>
            <Button
              size="small"
              variant="ghost"
              onClick={() =>
                dispatch({
                  type: 'action_failed',
                  actionId: action.actionId,
                  message: t('flows.run.actionError'),
                })
              }
            >
              {t('flows.run.actionFail')}
            </Button>
          </div>
        </div>
      ))}

      {run.log.length > 0 && (
        <ol className={styles.log} aria-label={t('flows.run.log')}>
          {run.log.map((entry, index) => (
            <li key={index} data-rejected={entry.rejected ? true : undefined}>
              <span className={styles.logEvent}>
                {t(`flows.run.event.${entry.event}`)}
                {entry.nodeId && ` · ${labelOf(entry.nodeId)}`}
                {entry.outcome && ` · ${t(`flows.outcome.${entry.outcome}`)}`}
              </span>
              {entry.rejected && <span className={styles.logError}>{entry.rejected.message}</span>}
              {entry.error && <span className={styles.logError}>{entry.error}</span>}
              {entry.effects.length > 0 && (
                <span className={styles.logEffects}>
                  {entry.effects.map((effect) => t(`flows.run.effect.${effect.kind}`)).join(' · ')}
                </span>
              )}
            </li>
          ))}
        </ol>
      )}
    </div>
  )
}
