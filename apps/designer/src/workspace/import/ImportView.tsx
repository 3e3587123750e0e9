import type { FormSchema } from '@trellis/form-engine'
import { useEffect, useReducer, useRef } from 'react'
import { useTranslation } from 'react-i18next'
import { importsApi, type ImportResult, type Policy } from '../../api/imports'
import { engineLocale, localized } from '../../i18n'
import { navigate } from '../../router'
import { Button } from '../../ui/Button'
import { EmptyState } from '../../ui/EmptyState'
import { Checkbox, Select } from '../../ui/inputs'
import { Notice } from '../../ui/Notice'
import { Segmented } from '../../ui/Segmented'
import type { WorkspaceViewProps } from '../views'
import { ExportButton } from './ExportButton'
import {
  importableFields,
  importReducer,
  initialImport,
  keyCandidates,
  percent,
  previewCell,
  cellMessage,
  type ProgressEvent,
} from './import-state'
import view from '../view.module.css'
import styles from './import.module.css'

const EVENTS = ['started', 'progress', 'done', 'failed'] as const

export default function ImportView({ appKey, rest, app }: WorkspaceViewProps) {
  const { t, i18n } = useTranslation()
  const lang = i18n.language
  const forms = app.forms.filter((f) => f.access.actions.includes('import'))
  const form = forms.find((f) => f.key === rest[0]) ?? forms.find((f) => f.key === 'customers') ?? forms[0]
  const [state, dispatch] = useReducer(importReducer, initialImport)
  const stream = useRef<EventSource | null>(null)
  const fileInput = useRef<HTMLInputElement>(null)

  useEffect(() => () => stream.current?.close(), [])
  useEffect(() => dispatch({ type: 'reset' }), [form?.key])

  if (!form) return <EmptyState title={t('importWizard.noForm')} />
  const fields = importableFields(form)
  const label = (key: string) => localized(form.fields.find((f) => f.key === key)?.label, lang) || key

  const upload = async (file: File) => {
    dispatch({ type: 'uploading', name: file.name })
    try {
      dispatch({ type: 'uploaded', upload: await importsApi.upload(appKey, form.key, file) })
    } catch (error) {
      dispatch({ type: 'failed', message: (error as Error).message })
    }
  }

  const run = async () => {
    if (state.step !== 'mapping') return
    dispatch({ type: 'run' })
    // Follow the run's progress: the stream replays what happened before it connected, so it may open first.
    const source = new EventSource(importsApi.progressUrl(appKey, form.key, state.upload.id))
    stream.current = source
    for (const type of EVENTS)
      source.addEventListener(type, (message) => {
        const event = {
          type,
          ...(JSON.parse((message as MessageEvent<string>).data) as object),
        } as ProgressEvent
        dispatch({ type: 'event', event })
        if (type === 'done' || type === 'failed') source.close()
      })
    try {
      const result = await importsApi.run(appKey, form.key, state.upload.id, {
        mapping: state.mapping,
        keys: state.keys,
        defaultPolicy: state.policy,
      })
      dispatch({ type: 'result', result })
    } catch (error) {
      dispatch({ type: 'failed', message: (error as Error).message })
    } finally {
      source.close()
    }
  }

  return (
    <div className={view.view}>
      <header className={view.header}>
        <h1 className={view.title}>{t('importWizard.title')}</h1>
        <label className={view.picker}>
          <span>{t('importWizard.form')}</span>
          <Select
            value={form.key}
            disabled={state.step === 'running'}
            onChange={(e) =>
              navigate({ page: 'workspace', app: appKey, view: 'import', rest: [e.target.value] })
            }
          >
            {forms.map((f) => (
              <option key={f.key} value={f.key}>
                {localized(f.label, lang)}
              </option>
            ))}
          </Select>
        </label>
        {form.access.actions.includes('export') && <ExportButton appKey={appKey} form={form.key} />}
      </header>
      <ol className={styles.steps} aria-label={t('importWizard.steps')}>
        {(['choose', 'mapping', 'running', 'done'] as const).map((step) => (
          <li
            key={step}
            aria-current={
              state.step === step || (step === 'choose' && state.step === 'uploading') || undefined
            }
          >
            {t(`importWizard.step.${step}`)}
          </li>
        ))}
      </ol>
      {'error' in state && state.error && <Notice tone="danger">{state.error}</Notice>}

      {(state.step === 'choose' || state.step === 'uploading') && (
        <div className={styles.drop}>
          <p>{t('importWizard.chooseHint', { form: localized(form.label, lang) })}</p>
          <input
            ref={fileInput}
            type="file"
            accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            aria-label={t('importWizard.file')}
            disabled={state.step === 'uploading'}
            onChange={(e) => {
              const file = e.target.files?.[0]
              if (file) void upload(file)
            }}
          />
          {state.step === 'uploading' && (
            <p className={styles.muted}>{t('importWizard.uploading', { name: state.name })}</p>
          )}
        </div>
      )}

      {state.step === 'mapping' && (
        <>
          <p className={styles.muted}>
            {t('importWizard.found', {
              name: state.upload.name,
              columns: state.upload.headers.length,
              encoding: state.upload.encoding,
            })}
          </p>
          <div className={view.tableWrap}>
            <table className={view.table} data-testid="import-preview">
              <thead>
                <tr>
                  <th>{t('importWizard.line')}</th>
                  {state.upload.headers.map((header, column) => (
                    <th key={column}>
                      <div className={view.header}>
                        {header || t('importWizard.column', { n: column + 1 })}
                      </div>
                      <Select
                        aria-label={t('importWizard.mapColumn', { header: header || column + 1 })}
                        value={state.mapping[String(column)] ?? ''}
                        onChange={(e) => dispatch({ type: 'map', column, field: e.target.value })}
                      >
                        <option value="">{t('importWizard.skip')}</option>
                        {fields.map((f) => (
                          <option key={f.key} value={f.key}>
                            {localized(f.label, lang)}
                          </option>
                        ))}
                      </Select>
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {state.upload.preview.map((row) => (
                  <tr key={row.line} data-invalid={row.errors.length > 0 || undefined}>
                    <td className={styles.muted}>{row.line}</td>
                    {state.upload.headers.map((_, column) => {
                      const cell = previewCell(state.upload, row, column, state.mapping)
                      return (
                        <td
                          key={column}
                          className={cell.error ? styles.cellError : undefined}
                          data-cell-error={cell.error?.code}
                        >
                          {cell.error ? cellMessage(cell.error, engineLocale(lang)) : show(cell.value)}
                        </td>
                      )
                    })}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <Dedup
            form={form}
            state={state}
            onKeys={(keys) => dispatch({ type: 'keys', keys })}
            onPolicy={(policy) => dispatch({ type: 'policy', policy })}
            label={label}
          />
          <div className={styles.actions}>
            <Button onClick={() => dispatch({ type: 'reset' })}>{t('importWizard.another')}</Button>
            <Button
              variant="primary"
              disabled={!Object.keys(state.mapping).length}
              onClick={() => void run()}
            >
              {t('importWizard.run')}
            </Button>
          </div>
        </>
      )}

      {(state.step === 'running' || state.step === 'done') && (
        <div className={styles.progress}>
          <div
            className={styles.bar}
            role="progressbar"
            aria-label={t('importWizard.progress')}
            aria-valuemin={0}
            aria-valuemax={100}
            aria-valuenow={percent(state.progress)}
          >
            <span style={{ width: `${percent(state.progress)}%` }} />
          </div>
          <p className={styles.muted} data-testid="import-rate">
            {state.progress.phase === 'writing' || state.progress.phase === 'finished'
              ? t('importWizard.writing', {
                  done: state.progress.done,
                  total: state.progress.total,
                  rate: Math.round(state.progress.rate).toLocaleString(lang),
                  eta: state.progress.etaSeconds ?? 0,
                })
              : t('importWizard.reading', { rows: state.progress.rows })}
          </p>
        </div>
      )}

      {state.step === 'done' && state.result && (
        <div className={styles.result} data-testid="import-result">
          <Notice tone={state.result.rejected ? 'warning' : 'success'}>
            {t('importWizard.summary', { ...counts(state.result) })}
          </Notice>
          {state.result.rejections.length > 0 && (
            <table className={view.table}>
              <thead>
                <tr>
                  <th>{t('importWizard.line')}</th>
                  <th>{t('importWizard.field')}</th>
                  <th>{t('importWizard.reason')}</th>
                </tr>
              </thead>
              <tbody>
                {state.result.rejections.map((r) => (
                  <tr key={`${r.line}-${r.code}`}>
                    <td>{r.line}</td>
                    <td>{r.field ? label(r.field) : '—'}</td>
                    <td>{cellMessage({ code: r.code, message: r.reason }, engineLocale(lang))}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <div className={styles.actions}>
            {state.result.rejected > 0 && (
              <a
                className={styles.link}
                href={importsApi.rejectedUrl(appKey, form.key, state.upload.id)}
                download
              >
                {t('importWizard.downloadRejected', { count: state.result.rejected })}
              </a>
            )}
            <Button onClick={() => dispatch({ type: 'reset' })}>{t('importWizard.another')}</Button>
          </div>
        </div>
      )}
    </div>
  )
}

function counts({ rows, inserted, updated, unchanged, merged, rejected }: ImportResult) {
  return { rows, inserted, updated, unchanged, merged, rejected }
}

function show(value: unknown): string {
  if (value === null || value === undefined) return ''
  if (Array.isArray(value)) return value.join('、')
  return typeof value === 'object' ? JSON.stringify(value) : String(value)
}

function Dedup({
  form,
  state,
  onKeys,
  onPolicy,
  label,
}: {
  form: FormSchema
  state: { mapping: Record<string, string>; keys: string[]; policy: Policy }
  onKeys: (keys: string[]) => void
  onPolicy: (policy: Policy) => void
  label: (key: string) => string
}) {
  const { t } = useTranslation()
  const candidates = keyCandidates(form, state.mapping)
  return (
    <fieldset className={styles.dedup}>
      <legend>{t('importWizard.dedup')}</legend>
      {candidates.length ? (
        <div className={styles.keys}>
          {candidates.map((f) => (
            <Checkbox
              key={f.key}
              label={label(f.key)}
              checked={state.keys.includes(f.key)}
              onChange={(e) =>
                onKeys(e.target.checked ? [...state.keys, f.key] : state.keys.filter((k) => k !== f.key))
              }
            />
          ))}
        </div>
      ) : (
        <p className={styles.muted}>{t('importWizard.noKeys')}</p>
      )}
      {state.keys.length > 0 && (
        <Segmented
          label={t('importWizard.existing')}
          value={state.policy}
          onChange={onPolicy}
          options={(['keep', 'overwrite', 'fill_empty'] as const).map((value) => ({
            value,
            label: t(`importWizard.policy.${value}`),
          }))}
        />
      )}
      <p className={styles.muted}>
        {state.keys.length ? t(`importWizard.policyHint.${state.policy}`) : t('importWizard.allNew')}
      </p>
    </fieldset>
  )
}
