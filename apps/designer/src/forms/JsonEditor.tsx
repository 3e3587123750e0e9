import { useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { Field } from '../ui/Field'
import { TextArea } from '../ui/inputs'

const show = (value: unknown) => (value === undefined ? '' : JSON.stringify(value, null, 2))

/**
 * Raw JSON for a JsonLogic setting until the visual condition builder exists. The text is kept locally and
 * committed only when it parses, so a half-typed brace never reaches the definition; empty clears it.
 */
export function JsonEditor({
  label,
  hint,
  value,
  onChange,
}: {
  label: string
  hint?: string
  value: unknown
  onChange: (value: unknown) => void
}) {
  const { t } = useTranslation()
  const [text, setText] = useState(() => show(value))
  const [error, setError] = useState<string | undefined>()

  // Another edit (undo, selecting another field) replaces the text unless it is what we just committed.
  useEffect(() => {
    setText((current) => {
      try {
        if (current.trim() !== '' && JSON.stringify(JSON.parse(current)) === JSON.stringify(value))
          return current
      } catch {
        // fall through: show the definition's value
      }
      return show(value)
    })
    setError(undefined)
  }, [value])

  const change = (next: string) => {
    setText(next)
    if (next.trim() === '') {
      setError(undefined)
      onChange(undefined)
      return
    }
    try {
      const parsed: unknown = JSON.parse(next)
      setError(undefined)
      onChange(parsed)
    } catch (failure) {
      setError(t('props.jsonInvalid', { message: (failure as Error).message }))
    }
  }

  return (
    <Field label={label} hint={hint} error={error}>
      {({ id, describedBy, invalid }) => (
        <TextArea
          id={id}
          value={text}
          spellCheck={false}
          aria-describedby={describedBy}
          aria-invalid={invalid}
          onChange={(event) => change(event.target.value)}
        />
      )}
    </Field>
  )
}
