import { useTranslation } from 'react-i18next'
import { engineLocale, setLanguage, type Language } from '../i18n'
import { Segmented } from '../ui/Segmented'

// Each language is named in itself, so a user who cannot read the current one still finds theirs.
const options = [
  { value: 'zh-CN', label: '中文' },
  { value: 'en', label: 'English' },
] as const

export function LanguageSwitch() {
  const { t, i18n } = useTranslation()
  return (
    <Segmented<Language>
      label={t('lang.label')}
      value={engineLocale(i18n.language)}
      options={options}
      onChange={setLanguage}
    />
  )
}
