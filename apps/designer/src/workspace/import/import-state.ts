import { formMessages, type FieldDef, type FormSchema, type Locale } from '@trellis/form-engine'
import type { CellError, ImportResult, Policy, Upload } from '../../api/imports'

/** A progress event of the run's event stream (docs/import-export.md, "Progress"). */
export type ProgressEvent =
  | { type: 'started'; resumedFrom: number }
  | { type: 'progress'; phase: 'reading'; rows: number }
  | { type: 'progress'; phase: 'writing'; done: number; total: number; rate: number; etaSeconds: number }
  | { type: 'done'; result: ImportResult }
  | { type: 'failed'; code: string; message: string }

export interface Progress {
  phase: 'starting' | 'reading' | 'writing' | 'finished'
  rows: number
  done: number
  total: number
  /** Records written per second. */
  rate: number
  etaSeconds: number | null
}

export type ImportState =
  | { step: 'choose'; error: string | null }
  | { step: 'uploading'; name: string }
  | {
      step: 'mapping' | 'running' | 'done'
      upload: Upload
      /** column index → field key ('' = skipped) */
      mapping: Record<string, string>
      /** Business keys: rows whose key fields match a stored record update it (or leave it) instead of adding one. */
      keys: string[]
      policy: Policy
      progress: Progress
      result: ImportResult | null
      error: string | null
    }

export type ImportAction =
  | { type: 'uploading'; name: string }
  | { type: 'uploaded'; upload: Upload }
  | { type: 'map'; column: number; field: string }
  | { type: 'keys'; keys: string[] }
  | { type: 'policy'; policy: Policy }
  | { type: 'run' }
  | { type: 'event'; event: ProgressEvent }
  | { type: 'result'; result: ImportResult }
  | { type: 'failed'; message: string }
  | { type: 'reset' }

export const initialImport: ImportState = { step: 'choose', error: null }

const startProgress: Progress = { phase: 'starting', rows: 0, done: 0, total: 0, rate: 0, etaSeconds: null }

/** The field types whose values can identify a record (what the import API accepts as keys). */
const KEY_TYPES = new Set([
  'text',
  'phone',
  'email',
  'number',
  'decimal',
  'date',
  'select',
  'url',
  'relation',
])
const COMPUTED = new Set(['formula', 'rollup', 'auto_number', 'attachment'])

/** Fields a column may fill: stored by hand, not read-only for the viewer. */
export function importableFields(form: FormSchema & { access?: { readOnly: string[] } }): FieldDef[] {
  const readOnly = new Set(form.access?.readOnly ?? [])
  return form.fields.filter((f) => !f.archived && !COMPUTED.has(f.type) && !readOnly.has(f.key))
}

/** Mapped fields that may serve as business keys, unique ones first (a phone, a code). */
export function keyCandidates(form: FormSchema, mapping: Record<string, string>): FieldDef[] {
  const mapped = new Set(Object.values(mapping).filter(Boolean))
  return form.fields
    .filter((f) => mapped.has(f.key) && KEY_TYPES.has(f.type))
    .sort((a, b) => Number(Boolean(b.unique)) - Number(Boolean(a.unique)))
}

export function importReducer(state: ImportState, action: ImportAction): ImportState {
  switch (action.type) {
    case 'uploading':
      return { step: 'uploading', name: action.name }
    case 'uploaded':
      return {
        step: 'mapping',
        upload: action.upload,
        mapping: { ...action.upload.mapping },
        keys: [],
        policy: 'fill_empty',
        progress: startProgress,
        result: null,
        error: null,
      }
    case 'reset':
      return initialImport
    case 'failed':
      if (state.step === 'choose' || state.step === 'uploading')
        return { step: 'choose', error: action.message }
      return { ...state, step: state.step === 'running' ? 'mapping' : state.step, error: action.message }
  }
  if (state.step === 'choose' || state.step === 'uploading') return state
  switch (action.type) {
    case 'map': {
      if (state.step !== 'mapping') return state
      const mapping: Record<string, string> = {}
      for (const [column, field] of Object.entries(state.mapping))
        if (field && field !== action.field) mapping[column] = field
      if (action.field) mapping[String(action.column)] = action.field
      else delete mapping[String(action.column)]
      const mapped = new Set(Object.values(mapping))
      return { ...state, mapping, keys: state.keys.filter((k) => mapped.has(k)) }
    }
    case 'keys':
      return state.step === 'mapping' ? { ...state, keys: action.keys.slice(0, 4) } : state
    case 'policy':
      return state.step === 'mapping' ? { ...state, policy: action.policy } : state
    case 'run':
      return state.step === 'mapping' && Object.keys(state.mapping).length
        ? { ...state, step: 'running', progress: startProgress, result: null, error: null }
        : state
    case 'event':
      return state.step === 'running' ? { ...state, progress: advance(state.progress, action.event) } : state
    case 'result':
      return {
        ...state,
        step: 'done',
        result: action.result,
        progress: finish(state.progress, action.result),
      }
  }
  return state
}

/**
 * The bar at the end of a run. The run's answer can arrive before any writing event of the stream (a small file
 * is written within one progress tick), so the written count comes from the result itself: the distinct records
 * the import wrote, as the stream counts them.
 */
function finish(progress: Progress, result: ImportResult): Progress {
  const written = result.inserted + result.updated + result.unchanged
  return { ...progress, phase: 'finished', done: written, total: Math.max(progress.total, written) }
}

/** Folds one event of the stream into the progress shown. */
export function advance(progress: Progress, event: ProgressEvent): Progress {
  if (event.type === 'progress' && event.phase === 'reading')
    return { ...progress, phase: 'reading', rows: Math.max(progress.rows, event.rows) }
  if (event.type === 'progress' && event.phase === 'writing')
    return {
      ...progress,
      phase: 'writing',
      done: event.done,
      total: event.total,
      rate: event.rate,
      etaSeconds: event.etaSeconds,
    }
  if (event.type === 'done') return { ...progress, phase: 'finished', done: progress.total }
  return progress
}

/** 0–100: reading counts for the first tenth, writing for the rest. */
export function percent(progress: Progress): number {
  if (progress.phase === 'finished') return 100
  if (progress.phase === 'writing')
    return progress.total ? 10 + Math.round((90 * progress.done) / progress.total) : 10
  return progress.phase === 'reading' ? 5 : 0
}

/** The preview's cells for a column: the stored value and its error, as the upload judged them. */
export function previewCell(
  upload: Upload,
  row: Upload['preview'][number],
  column: number,
  mapping: Record<string, string>,
): { value: unknown; error: CellError | undefined; stale: boolean } {
  const field = mapping[String(column)]
  // The upload checked the columns against its own suggestion; a column mapped elsewhere since is not checked.
  const stale = field !== upload.mapping[String(column)]
  const error = stale ? undefined : row.errors.find((e) => e.column === column)
  return { value: field && !stale ? row.values[field] : undefined, error, stale }
}

/**
 * A cell error in the user's language: the import engine's codes mirror the form engine's field codes
 * (`import.invalid_phone` ↔ `field.invalid_phone`); one without a plain translation keeps the server's text.
 */
export function cellMessage(error: Pick<CellError, 'code' | 'message'>, locale: Locale): string {
  const text = formMessages[locale][error.code.replace(/^import\./, 'field.')]
  return text && !text.includes('{') ? text : error.message
}
