import type { AppDefinition, FieldDef, FieldType, LocalizedText } from '@trellis/form-engine'
import { fieldDefaults } from './field-defaults'
import { record, redo, replace, startHistory, undo, type History } from './history'
import { keyProblem, suggestKey } from './keys'
import { clampSpan, type DesignedForm } from './layout'

/** What undo/redo restores: the definition and the selection that went with it. */
export interface DesignDoc {
  app: AppDefinition
  form: string | null
  field: string | null
  /** `form.field` paths whose key still follows the English label (new fields whose key nobody typed). */
  autoKeys: readonly string[]
}

export interface DesignerState {
  doc: History<DesignDoc>
  /** `form.field` paths that exist in a published version: their key names a column, so it is frozen. */
  locked: readonly string[]
  /** The definition as last loaded or saved; a different object in `doc.present.app` means unsaved work. */
  saved: AppDefinition
}

export type DesignerAction =
  | { type: 'load'; app: AppDefinition; locked: readonly string[] }
  | { type: 'saved'; app: AppDefinition }
  | { type: 'published'; app: AppDefinition }
  | { type: 'select-form'; form: string }
  | { type: 'select-field'; field: string | null }
  | { type: 'add-form'; key: string; label: LocalizedText }
  | { type: 'set-form-label'; lang: string; text: string }
  | { type: 'add-field'; fieldType: FieldType; label: LocalizedText; index?: number }
  | { type: 'move-field'; from: string; to: string }
  | { type: 'remove-field'; field: string }
  | { type: 'update-field'; field: string; patch: Partial<FieldDef> }
  | { type: 'set-label'; field: string; lang: string; text: string }
  | { type: 'rename-key'; field: string; key: string }
  | { type: 'set-span'; field: string; span: number }
  | { type: 'set-section'; section: AppSection; value: unknown[]; group?: string }
  | { type: 'undo' }
  | { type: 'redo' }

/** The parts of an app other builders than the form designer edit, each as a whole list. */
export type AppSection = 'flows' | 'rules' | 'reports' | 'dashboards' | 'roles'

export const fieldPath = (form: string, field: string) => `${form}.${field}`

export function initialDesignerState(app: AppDefinition, locked: readonly string[] = []): DesignerState {
  const first = app.forms.find((form) => !form.archived)
  return {
    doc: startHistory({ app, form: first?.key ?? null, field: null, autoKeys: [] }),
    locked,
    saved: app,
  }
}

export function currentForm(state: DesignerState): DesignedForm | undefined {
  const { app, form } = state.doc.present
  return app.forms.find((candidate) => candidate.key === form && !candidate.archived)
}

export function currentField(state: DesignerState): FieldDef | undefined {
  const field = state.doc.present.field
  return currentForm(state)?.fields.find((candidate) => candidate.key === field && !candidate.archived)
}

export function isDirty(state: DesignerState): boolean {
  return state.doc.present.app !== state.saved
}

export function isLocked(state: DesignerState, field: string): boolean {
  const form = state.doc.present.form
  return form !== null && state.locked.includes(fieldPath(form, field))
}

/** Every field key of every form, published or not: what a publish freezes. */
export function allFieldPaths(app: AppDefinition): string[] {
  return app.forms.flatMap((form) => form.fields.map((field) => fieldPath(form.key, field.key)))
}

/** Drops properties set to undefined, so a cleared setting leaves no trace in the saved JSON. */
function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T
}

function updateForm(doc: DesignDoc, change: (form: DesignedForm) => DesignedForm): DesignDoc {
  const forms = doc.app.forms.map((form) => (form.key === doc.form ? change(form) : form))
  return { ...doc, app: { ...doc.app, forms } }
}

function updateField(doc: DesignDoc, key: string, change: (field: FieldDef) => FieldDef): DesignDoc {
  return updateForm(doc, (form) => ({
    ...form,
    fields: form.fields.map((field) => (field.key === key ? change(field) : field)),
  }))
}

function otherKeys(form: DesignedForm | undefined, except: string): string[] {
  return (form?.fields ?? []).map((field) => field.key).filter((key) => key !== except)
}

function renameInLayout(form: DesignedForm, from: string, to: string): DesignedForm {
  const span = form.layout?.span
  if (!span || !(from in span)) return form
  const { [from]: value, ...rest } = span
  return { ...form, layout: { ...form.layout, span: { ...rest, [to]: value! } } }
}

function renameKey(doc: DesignDoc, from: string, to: string): DesignDoc {
  const renamed = updateForm(doc, (form) =>
    renameInLayout(
      { ...form, fields: form.fields.map((field) => (field.key === from ? { ...field, key: to } : field)) },
      from,
      to,
    ),
  )
  const path = fieldPath(doc.form ?? '', from)
  return {
    ...renamed,
    field: doc.field === from ? to : doc.field,
    autoKeys: doc.autoKeys.map((entry) => (entry === path ? fieldPath(doc.form ?? '', to) : entry)),
  }
}

function formOf(doc: DesignDoc): DesignedForm | undefined {
  return doc.app.forms.find((form) => form.key === doc.form)
}

/** The designer's state logic, pure: the components dispatch, tests drive it without a DOM. */
export function designerReducer(state: DesignerState, action: DesignerAction): DesignerState {
  const doc = state.doc.present
  const edit = (next: DesignDoc, group?: string): DesignerState => ({
    ...state,
    doc: record(state.doc, next, group),
  })

  switch (action.type) {
    case 'load':
      return initialDesignerState(action.app, action.locked)
    case 'saved':
      return { ...state, saved: action.app }
    case 'published':
      return { ...state, saved: action.app, locked: allFieldPaths(action.app) }
    case 'select-form':
      return { ...state, doc: replace(state.doc, { ...doc, form: action.form, field: null }) }
    case 'select-field':
      return { ...state, doc: replace(state.doc, { ...doc, field: action.field }) }
    case 'undo':
      return { ...state, doc: undo(state.doc) }
    case 'redo':
      return { ...state, doc: redo(state.doc) }

    case 'set-section':
      // One undo step per edit; `group` merges a run of keystrokes in one text box into one step.
      return edit({ ...doc, app: { ...doc.app, [action.section]: action.value } }, action.group)

    case 'add-form': {
      if (
        keyProblem(
          action.key,
          doc.app.forms.map((form) => form.key),
        )
      )
        return state
      const form: DesignedForm = { key: action.key, label: action.label, fields: [] }
      return edit({
        ...doc,
        app: { ...doc.app, forms: [...doc.app.forms, form] },
        form: form.key,
        field: null,
      })
    }

    case 'set-form-label':
      return edit(
        updateForm(doc, (form) => ({ ...form, label: { ...form.label, [action.lang]: action.text } })),
        `form-label:${doc.form}:${action.lang}`,
      )

    case 'add-field': {
      const form = formOf(doc)
      if (!form) return state
      const key = suggestKey(
        action.label.en,
        action.fieldType,
        form.fields.map((field) => field.key),
      )
      const field: FieldDef = {
        key,
        type: action.fieldType,
        label: action.label,
        ...fieldDefaults(action.fieldType, doc.app, form.key),
      }
      const index = Math.min(Math.max(action.index ?? form.fields.length, 0), form.fields.length)
      const fields = [...form.fields.slice(0, index), field, ...form.fields.slice(index)]
      const next = updateForm(doc, (current) => ({ ...current, fields }))
      return edit({ ...next, field: key, autoKeys: [...doc.autoKeys, fieldPath(form.key, key)] })
    }

    case 'move-field': {
      const form = formOf(doc)
      if (!form || action.from === action.to) return state
      const from = form.fields.findIndex((field) => field.key === action.from)
      const to = form.fields.findIndex((field) => field.key === action.to)
      if (from < 0 || to < 0) return state
      const fields = [...form.fields]
      const [moved] = fields.splice(from, 1)
      fields.splice(to, 0, moved!)
      return edit(updateForm(doc, (current) => ({ ...current, fields })))
    }

    case 'remove-field': {
      const form = formOf(doc)
      if (!form?.fields.some((field) => field.key === action.field)) return state
      const next = updateForm(doc, (current) => {
        const { [action.field]: _dropped, ...span } = current.layout?.span ?? {}
        const layout = current.layout ? { ...current.layout, span } : undefined
        return withoutUndefined({
          ...current,
          fields: current.fields.filter((field) => field.key !== action.field),
          layout,
        })
      })
      return edit({ ...next, field: doc.field === action.field ? null : doc.field })
    }

    case 'update-field': {
      if (!formOf(doc)?.fields.some((field) => field.key === action.field)) return state
      const group = `field:${doc.form}.${action.field}:${Object.keys(action.patch).sort().join(',')}`
      return edit(
        updateField(doc, action.field, (field) => withoutUndefined({ ...field, ...action.patch })),
        group,
      )
    }

    case 'set-label': {
      const form = formOf(doc)
      const field = form?.fields.find((candidate) => candidate.key === action.field)
      if (!form || !field) return state
      // Not keyed by the field: its key may follow the label as it is typed. Selecting another field ends the group.
      const group = `label:${doc.form}:${action.lang}`
      let next = updateField(doc, action.field, (current) => ({
        ...current,
        label: { ...current.label, [action.lang]: action.text },
      }))
      const path = fieldPath(form.key, field.key)
      if (action.lang === 'en' && doc.autoKeys.includes(path) && !state.locked.includes(path)) {
        const key = suggestKey(action.text, field.type, otherKeys(form, field.key))
        if (key !== field.key) next = renameKey(next, field.key, key)
      }
      return edit(next, group)
    }

    case 'rename-key': {
      const form = formOf(doc)
      if (!form || action.field === action.key) return state
      if (state.locked.includes(fieldPath(form.key, action.field))) return state
      if (keyProblem(action.key, otherKeys(form, action.field))) return state
      const next = renameKey(doc, action.field, action.key)
      const typed = fieldPath(form.key, action.key)
      return edit({ ...next, autoKeys: next.autoKeys.filter((entry) => entry !== typed) })
    }

    case 'set-span': {
      const form = formOf(doc)
      if (!form?.fields.some((field) => field.key === action.field)) return state
      const span = clampSpan(action.span)
      return edit(
        updateForm(doc, (current) => ({
          ...current,
          layout: { ...current.layout, span: { ...current.layout?.span, [action.field]: span } },
        })),
      )
    }
  }
}
