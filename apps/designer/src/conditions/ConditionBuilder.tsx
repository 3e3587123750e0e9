import { useMemo, useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { AppDefinition, FieldDef, JsonLogic } from '@trellis/form-engine'
import { Notice } from '../ui/Notice'
import { Segmented } from '../ui/Segmented'
import { TextArea } from '../ui/inputs'
import { conditionFields, type KindedField } from './field-kinds'
import { GroupEditor } from './GroupEditor'
import { logicToRows, rowsToLogic, sameLogic, type ConditionGroup } from './logic-rows'
import { editRows, type RowsEdit } from './rows-edit'
import styles from './conditions.module.css'

export { ConditionSummary } from './ConditionSummary'

export interface ConditionBuilderProps {
  fields: FieldDef[]
  value: JsonLogic | undefined
  onChange(value: JsonLogic | undefined): void
  /** Offer `$user.<attribute>` as a value (row scopes: "store = the member's store"). */
  userVariables?: boolean
  /** Lets min/max rollups be offered with their child field's type (e.g. the last purchase date). */
  app?: AppDefinition
  /** Accessible name of the whole editor. */
  label?: string
  /**
   * The condition runs on a record update: rows may read a field's value before or after the change
   * (`$before.<key>`, `$after.<key>`) or test whether it changed (`$changed`).
   */
  recordChange?: boolean
}

type Mode = 'visual' | 'json'

interface State {
  /** The logic last received or written: a different `value` prop means someone else changed it. */
  logic: unknown
  /** Whether the rows were read with the record-update variables (the trigger may change under them). */
  recordChange: boolean
  /** The rows, or undefined when the builder cannot show the logic. */
  root: ConditionGroup | undefined
  mode: Mode
  text: string
  error: string | undefined
}

const show = (logic: unknown) => (logic === undefined || logic === null ? '' : JSON.stringify(logic, null, 2))

function stateFor(
  logic: unknown,
  fields: readonly KindedField[],
  recordChange: boolean,
  mode: Mode = 'visual',
): State {
  const root = logicToRows(logic, fields, { recordChange })
  return { logic, recordChange, root, mode: root ? mode : 'json', text: show(logic), error: undefined }
}

/**
 * The visual JsonLogic editor: rows of field · operator · value in nested AND/OR groups, with a raw JSON
 * view. Logic the rows cannot show exactly opens as JSON; half-typed JSON stays in the box with its error
 * and is not written until it parses.
 */
export function ConditionBuilder({
  fields,
  value,
  onChange,
  userVariables = false,
  app,
  label,
  recordChange = false,
}: ConditionBuilderProps) {
  const { t } = useTranslation()
  const kinded = useMemo(() => conditionFields(fields, app), [fields, app])
  const [state, setState] = useState(() => stateFor(value ?? undefined, kinded, recordChange))
  const current = value ?? undefined
  const options = { recordChange }

  // Undo, another rule selected, another trigger…: the prop moved away from what the builder last wrote.
  if (!sameLogic(current, state.logic) || recordChange !== state.recordChange) {
    const next = stateFor(current, kinded, recordChange, state.mode)
    setState(next)
    return null
  }

  const write = (logic: unknown, next: Partial<State>) => {
    setState((s) => ({ ...s, ...next, logic }))
    onChange(logic as JsonLogic | undefined)
  }

  const edit = (action: RowsEdit) => {
    if (!state.root) return
    const root = editRows(state.root, action, kinded)
    const logic = rowsToLogic(root, kinded)
    write(logic, { root, text: show(logic), error: undefined })
  }

  const typeJson = (text: string) => {
    if (text.trim() === '') {
      write(undefined, { text, error: undefined, root: logicToRows(undefined, kinded, options) })
      return
    }
    let parsed: unknown
    try {
      parsed = JSON.parse(text)
    } catch (failure) {
      setState((s) => ({ ...s, text, error: (failure as Error).message }))
      return
    }
    write(parsed, { text, error: undefined, root: logicToRows(parsed, kinded, options) })
  }

  const setMode = (mode: Mode) => {
    if (mode === 'visual' && (!state.root || state.error)) return
    setState((s) => ({ ...s, mode, text: mode === 'json' && !s.error ? show(s.logic) : s.text }))
  }

  return (
    <div className={styles.builder} role="group" aria-label={label ?? t('conditions.label')}>
      <div className={styles.toolbar}>
        <Segmented
          label={t('conditions.mode')}
          value={state.mode}
          options={[
            { value: 'visual', label: t('conditions.visual') },
            { value: 'json', label: t('conditions.json') },
          ]}
          onChange={setMode}
        />
      </div>
      {state.mode === 'visual' && state.root ? (
        kinded.length === 0 ? (
          <Notice>{t('conditions.noFields')}</Notice>
        ) : (
          <>
            {state.root.items.length === 0 && <p className={styles.empty}>{t('conditions.empty')}</p>}
            <GroupEditor
              group={state.root}
              depth={0}
              fields={kinded}
              edit={edit}
              userVariables={userVariables}
              recordChange={recordChange}
            />
          </>
        )
      ) : (
        <div className={styles.raw}>
          {!state.root && !state.error && <Notice tone="warning">{t('conditions.rawOnly')}</Notice>}
          <TextArea
            aria-label={t('conditions.json')}
            aria-invalid={Boolean(state.error)}
            className={styles.rawText}
            spellCheck={false}
            value={state.text}
            placeholder={t('conditions.rawHint')}
            onChange={(event) => typeJson(event.target.value)}
          />
          {state.error && (
            <span className={styles.error} role="alert">
              {t('conditions.rawInvalid', { message: state.error })}
            </span>
          )}
        </div>
      )}
    </div>
  )
}
