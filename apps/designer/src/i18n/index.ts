import i18next from 'i18next'
import { initReactI18next } from 'react-i18next'
import { mergeCatalogs, type Catalog } from './merge-catalogs'

export const LANGUAGES = ['zh-CN', 'en'] as const
export type Language = (typeof LANGUAGES)[number]
const STORAGE_KEY = 'trellis.lang'

function storedLanguage(): Language {
  const stored = typeof localStorage === 'undefined' ? null : localStorage.getItem(STORAGE_KEY)
  return stored === 'en' ? 'en' : 'zh-CN'
}

// Each feature folder keeps its own strings beside its code (`src/flows/i18n/zh-CN.json`, …), under its own
// top-level key; the shell's live here. All of them are bundled: the whole catalog is a few KB gzipped.
const catalogs = import.meta.glob<Catalog>('../**/i18n/*.json', { eager: true, import: 'default' })
const zhCN = mergeCatalogs(catalogs, 'zh-CN')
const en = mergeCatalogs(catalogs, 'en')

// zh-CN first: most of our users run shops in China; English is the second language.
void i18next.use(initReactI18next).init({
  resources: { 'zh-CN': { translation: zhCN }, en: { translation: en } },
  lng: storedLanguage(),
  fallbackLng: 'en',
  interpolation: { escapeValue: false },
})

i18next.on('languageChanged', (language) => {
  if (typeof document !== 'undefined') document.documentElement.lang = language
})

export function setLanguage(language: Language): void {
  localStorage.setItem(STORAGE_KEY, language)
  void i18next.changeLanguage(language)
}

/** The language as the form engine's message catalogs name it. */
export function engineLocale(language: string): Language {
  return language === 'en' ? 'en' : 'zh-CN'
}

/** A LocalizedText in the current language, falling back to the other one. */
export function localized(text: Record<string, string> | undefined, language: string): string {
  if (!text) return ''
  const lang = engineLocale(language)
  return text[lang] || text[lang === 'en' ? 'zh-CN' : 'en'] || Object.values(text).find(Boolean) || ''
}

/** Both languages' text for one message key, for new LocalizedText values (a dropped field's label). */
export function bothLanguages(key: string): Record<Language, string> {
  return { 'zh-CN': i18next.getFixedT('zh-CN')(key), en: i18next.getFixedT('en')(key) }
}

export default i18next
