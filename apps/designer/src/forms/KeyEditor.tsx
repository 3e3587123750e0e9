import { useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { Field } from '../ui/Field'
import { TextInput } from '../ui/inputs'
import { keyProblem } from './state/keys'

/**
 * The field key: typed text is committed only while it is a valid, free key, so the definition never holds
 * a broken or duplicate key (keys double as the canvas's item ids).
 */
export function KeyEditor({
  value,
  others,
  locked,
  auto,
  onRename,
}: {
  value: string
  others: readonly string[]
  locked: boolean
  auto: boolean
  onRename: (key: string) => void
}) {
  const { t } = useTranslation()
  const [text, setText] = useState(value)
  useEffect(() => setText(value), [value])
  const problem = text === value ? undefined : keyProblem(text, others)
  const hint = locked ? t('props.keyLocked') : auto ? t('props.keyAuto') : t('props.keyHint')
  return (
    <Field label={t('props.key')} hint={hint} error={problem ? t(`props.key.${problem}`) : undefined}>
      {({ id, describedBy, invalid }) => (
        <TextInput
          id={id}
          value={text}
          disabled={locked}
          spellCheck={false}
          aria-describedby={describedBy}
          aria-invalid={invalid}
          onChange={(event) => {
            setText(event.target.value)
            if (!keyProblem(event.target.value, others)) onRename(event.target.value)
          }}
        />
      )}
    </Field>
  )
}
