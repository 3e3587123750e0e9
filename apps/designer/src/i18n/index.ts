import i18next from 'i18next'
import { initReactI18next } from 'react-i18next'
import en from './en.json'
import zhCN from './zh-CN.json'

// zh-CN first: most of our users run shops in China; English is the second language.
void i18next.use(initReactI18next).init({
  resources: { 'zh-CN': { translation: zhCN }, en: { translation: en } },
  lng: localStorage.getItem('trellis.lang') ?? 'zh-CN',
  fallbackLng: 'en',
  interpolation: { escapeValue: false },
})

export default i18next
