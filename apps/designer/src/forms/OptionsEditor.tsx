import type { SelectOption } from '@trellis/form-engine'
import { useTranslation } from 'react-i18next'
import { Button } from '../ui/Button'
import { TextInput } from '../ui/inputs'
import styles from './forms.module.css'

function nextValue(options: readonly SelectOption[]): string {
  const used = new Set(options.map((option) => option.value))
  for (let n = options.length + 1; ; n++) if (!used.has(`option_${n}`)) return `option_${n}`
}

/** Options of a select: stored value plus a label per language. */
export function OptionsEditor({
  options,
  onChange,
}: {
  options: readonly SelectOption[]
  onChange: (options: SelectOption[]) => void
}) {
  const { t } = useTranslation()
  const update = (index: number, change: Partial<SelectOption>) =>
    onChange(options.map((option, i) => (i === index ? { ...option, ...change } : option)))
  const setLabel = (index: number, lang: string, text: string) =>
    update(index, { label: { ...options[index]!.label, [lang]: text } })

  return (
    <fieldset className={styles.options}>
      <legend className={styles.legend}>{t('props.options')}</legend>
      <div className={styles.optionRow} aria-hidden="true">
        <span className={styles.hint}>{t('props.optionValue')}</span>
        <span className={styles.hint}>{t('props.optionZh')}</span>
        <span className={styles.hint}>{t('props.optionEn')}</span>
        <span />
      </div>
      {options.map((option, index) => (
        <div className={styles.optionRow} key={index}>
          <TextInput
            aria-label={`${t('props.optionValue')} ${index + 1}`}
            value={option.value}
            onChange={(event) => update(index, { value: event.target.value })}
          />
          <TextInput
            aria-label={`${t('props.optionZh')} ${index + 1}`}
            value={option.label['zh-CN'] ?? ''}
            onChange={(event) => setLabel(index, 'zh-CN', event.target.value)}
          />
          <TextInput
            aria-label={`${t('props.optionEn')} ${index + 1}`}
            value={option.label.en ?? ''}
            onChange={(event) => setLabel(index, 'en', event.target.value)}
          />
          <Button
            size="small"
            variant="ghost"
            aria-label={t('props.removeOption')}
            title={t('props.removeOption')}
            onClick={() => onChange(options.filter((_, i) => i !== index))}
          >
            ×
          </Button>
        </div>
      ))}
      <Button
        size="small"
        onClick={() => {
          const value = nextValue(options)
          onChange([...options, { value, label: { 'zh-CN': value, en: value } }])
        }}
      >
        + {t('props.addOption')}
      </Button>
    </fieldset>
  )
}
