import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { Button } from '../ui/Button'
import { Dialog } from '../ui/Dialog'
import { EmptyState } from '../ui/EmptyState'
import { Field } from '../ui/Field'
import { TextInput } from '../ui/inputs'
import { FLOW_KEY, freeId, type DesignedFlow } from './state/flow-doc'
import styles from './flows.module.css'

/** The app's flows: pick one, add one (name and key), delete the selected one after a confirmation. */
export function FlowList({
  flows,
  selected,
  errorsOf,
  onSelect,
  onCreate,
  onDelete,
}: {
  flows: DesignedFlow[]
  selected: string | undefined
  errorsOf: (flow: DesignedFlow) => number
  onSelect: (key: string) => void
  onCreate: (key: string, name: string) => void
  onDelete: (key: string) => void
}) {
  const { t } = useTranslation()
  const [creating, setCreating] = useState<{ key: string; name: string } | null>(null)
  const [deleting, setDeleting] = useState<string | null>(null)
  const keyProblem = (key: string) =>
    !FLOW_KEY.test(key)
      ? t('flows.list.keyInvalid')
      : flows.some((f) => f.key === key)
        ? t('flows.list.keyTaken')
        : undefined
  const problem = creating ? keyProblem(creating.key) : undefined

  return (
    <div className={styles.flowList}>
      <div className={styles.sectionHead}>
        <h2 className={styles.subhead}>{t('flows.list.title')}</h2>
        <Button
          size="small"
          onClick={() =>
            setCreating({
              key: freeId(
                'flow',
                flows.map((f) => f.key),
              ),
              name: '',
            })
          }
        >
          {t('flows.list.new')}
        </Button>
      </div>
      {flows.length === 0 ? (
        <EmptyState title={t('flows.list.empty')}>{t('flows.list.emptyHint')}</EmptyState>
      ) : (
        <ul className={styles.flowItems}>
          {flows.map((flow) => {
            const errors = errorsOf(flow)
            return (
              <li key={flow.key}>
                <button
                  type="button"
                  className={styles.flowItem}
                  aria-current={flow.key === selected}
                  data-flow={flow.key}
                  onClick={() => onSelect(flow.key)}
                >
                  <span className={styles.flowItemText}>
                    <span>{flow.name || flow.key}</span>
                    {flow.name && <code className={styles.panelId}>{flow.key}</code>}
                  </span>
                  {errors > 0 && <span className={styles.errorCount}>{errors}</span>}
                </button>
              </li>
            )
          })}
        </ul>
      )}
      {selected && (
        <Button size="small" variant="ghost" onClick={() => setDeleting(selected)}>
          {t('flows.list.delete')}
        </Button>
      )}

      <Dialog
        open={creating !== null}
        title={t('flows.list.newTitle')}
        testId="new-flow"
        onClose={() => setCreating(null)}
        footer={
          <>
            <Button variant="ghost" onClick={() => setCreating(null)}>
              {t('flows.cancel')}
            </Button>
            <Button
              variant="primary"
              disabled={!creating || Boolean(problem) || !creating.name.trim()}
              onClick={() => {
                if (!creating) return
                onCreate(creating.key, creating.name.trim())
                setCreating(null)
              }}
            >
              {t('flows.list.create')}
            </Button>
          </>
        }
      >
        {creating && (
          <>
            <Field label={t('flows.list.name')}>
              {({ id }) => (
                <TextInput
                  id={id}
                  autoFocus
                  value={creating.name}
                  onChange={(event) => setCreating({ ...creating, name: event.target.value })}
                />
              )}
            </Field>
            <Field label={t('flows.list.key')} hint={t('flows.list.keyHint')} error={problem}>
              {({ id, describedBy, invalid }) => (
                <TextInput
                  id={id}
                  aria-describedby={describedBy}
                  aria-invalid={invalid}
                  value={creating.key}
                  onChange={(event) => setCreating({ ...creating, key: event.target.value })}
                />
              )}
            </Field>
          </>
        )}
      </Dialog>

      <Dialog
        open={deleting !== null}
        title={t('flows.list.deleteTitle')}
        testId="delete-flow"
        onClose={() => setDeleting(null)}
        footer={
          <>
            <Button variant="ghost" onClick={() => setDeleting(null)}>
              {t('flows.cancel')}
            </Button>
            <Button
              variant="danger"
              onClick={() => {
                if (deleting) onDelete(deleting)
                setDeleting(null)
              }}
            >
              {t('flows.list.deleteConfirm')}
            </Button>
          </>
        }
      >
        <p>{t('flows.list.deleteBody', { name: flows.find((f) => f.key === deleting)?.name || deleting })}</p>
      </Dialog>
    </div>
  )
}
