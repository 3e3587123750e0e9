import { useState } from 'react'
import { TextInput } from '../ui/inputs'

/**
 * A value an action writes: a literal or a JsonLogic expression over the record (`{"var": "name"}`,
 * `{"today": []}`). Text is kept as typed; numbers, booleans, null and JSON objects are read as such
 * (for text fields only objects are, so a phone number stays text).
 */
export function parseExpression(text: string, textual: boolean): unknown {
  const trimmed = text.trim()
  if (/^[[{]/.test(trimmed) || (!textual && /^(-?\d+(\.\d+)?|true|false|null|".*")$/.test(trimmed))) {
    try {
      return JSON.parse(trimmed)
    } catch {
      return text
    }
  }
  return text
}

export const showExpression = (value: unknown) =>
  typeof value === 'string' ? value : value === undefined ? '' : JSON.stringify(value)

export function ExpressionInput({
  value,
  onChange,
  textual,
  label,
  id,
}: {
  value: unknown
  onChange(value: unknown): void
  textual: boolean
  label?: string
  id?: string
}) {
  // The text is local while it is half-typed JSON (`{"var": "na`), which is stored as text until it parses.
  const [text, setText] = useState(() => showExpression(value))
  const shown =
    showExpression(parseExpression(text, textual)) === showExpression(value) ? text : showExpression(value)
  return (
    <TextInput
      id={id}
      aria-label={label}
      value={shown}
      spellCheck={false}
      onChange={(event) => {
        setText(event.target.value)
        onChange(parseExpression(event.target.value, textual))
      }}
    />
  )
}
