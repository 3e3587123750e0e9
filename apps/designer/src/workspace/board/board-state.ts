import type { FieldDef, FormSchema } from '@trellis/form-engine'

/** A record as the records API answers it: field keys to values, `id` and `version`. */
export type BoardRecord = Record<string, unknown> & { id: string; version: number }

export interface BoardState {
  records: BoardRecord[]
  /** Cards dropped on another column whose PATCH has not answered yet: id → the stage they came from. */
  pending: Record<string, unknown>
  /** The last refused move, shown until the next one. */
  error: { id: string; message: string } | null
}

export type BoardAction =
  | { type: 'loaded'; records: BoardRecord[] }
  | { type: 'move'; id: string; field: string; to: string }
  | { type: 'moved'; record: BoardRecord }
  | { type: 'refused'; id: string; field: string; message: string }
  | { type: 'dismiss' }

export const emptyBoard: BoardState = { records: [], pending: {}, error: null }

/**
 * The board's state: a drop moves the card at once (optimistic), the server's answer replaces it (with the
 * stamped stage time and new version) or puts it back where it was, with the server's reason.
 */
export function boardReducer(state: BoardState, action: BoardAction): BoardState {
  switch (action.type) {
    case 'loaded':
      return { records: action.records, pending: {}, error: null }
    case 'move': {
      const card = state.records.find((r) => r.id === action.id)
      if (!card || card[action.field] === action.to || action.id in state.pending) return state
      return {
        records: state.records.map((r) => (r.id === action.id ? { ...r, [action.field]: action.to } : r)),
        pending: { ...state.pending, [action.id]: card[action.field] },
        error: null,
      }
    }
    case 'moved': {
      const { [action.record.id]: _, ...pending } = state.pending
      return {
        ...state,
        records: state.records.map((r) => (r.id === action.record.id ? action.record : r)),
        pending,
      }
    }
    case 'refused': {
      if (!(action.id in state.pending)) return state
      const { [action.id]: from, ...pending } = state.pending
      return {
        records: state.records.map((r) => (r.id === action.id ? { ...r, [action.field]: from } : r)),
        pending,
        error: { id: action.id, message: action.message },
      }
    }
    case 'dismiss':
      return { ...state, error: null }
  }
}

export interface BoardColumn {
  value: string
  label: Record<string, string>
  records: BoardRecord[]
}

/** One column per option in option order; records without a known option are not shown. */
export function boardColumns(records: BoardRecord[], field: FieldDef): BoardColumn[] {
  return (field.options ?? []).map((option) => ({
    value: option.value,
    label: option.label as Record<string, string>,
    records: records.filter((r) => r[field.key] === option.value),
  }))
}

/** Whole days a record has been in its stage, from the pipeline's `enteredAt` field; null when unknown. */
export function daysInStage(record: BoardRecord, field: FieldDef, now: Date): number | null {
  const key = field.pipeline?.enteredAt
  const since = key ? record[key] : undefined
  if (typeof since !== 'string') return null
  const ms = now.getTime() - new Date(since).getTime()
  return Number.isFinite(ms) ? Math.max(0, Math.floor(ms / 86_400_000)) : null
}

/** The single-select fields a board can group by. */
export function boardFields(form: FormSchema): FieldDef[] {
  return form.fields.filter((f) => f.type === 'select' && !f.archived && (f.options?.length ?? 0) > 0)
}

/**
 * Which form and field the board shows: the path's, else the CRM pipeline (opportunities · stage), else
 * the first field that is a pipeline, else the first single-select of any form.
 */
export function pickBoard(forms: FormSchema[], rest: string[]): { form: FormSchema; field: FieldDef } | null {
  const [formKey, fieldKey] = rest
  const asked = forms.find((f) => f.key === formKey)
  if (asked) {
    const fields = boardFields(asked)
    const field = fields.find((f) => f.key === fieldKey) ?? fields.find((f) => f.pipeline) ?? fields[0]
    if (field) return { form: asked, field }
  }
  const crm = forms.find((f) => f.key === 'opportunities')
  const stage = crm && boardFields(crm).find((f) => f.key === 'stage')
  if (crm && stage) return { form: crm, field: stage }
  for (const form of forms) {
    const field = boardFields(form).find((f) => f.pipeline)
    if (field) return { form, field }
  }
  for (const form of forms) {
    const field = boardFields(form)[0]
    if (field) return { form, field }
  }
  return null
}

/** The text a card leads with: the form's title field, else its first text field, else the id. */
export function cardTitle(record: BoardRecord, form: FormSchema): string {
  const key = form.titleField ?? form.fields.find((f) => f.type === 'text')?.key
  const value = key ? record[key] : undefined
  return value === null || value === undefined || value === '' ? `#${record.id}` : String(value)
}
