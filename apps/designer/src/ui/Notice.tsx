import type { ReactNode } from 'react'
import styles from './ui.module.css'

const tones = {
  neutral: '',
  danger: styles.noticeDanger,
  success: styles.noticeSuccess,
  warning: styles.noticeWarning,
}

export function Notice({ tone = 'neutral', children }: { tone?: keyof typeof tones; children: ReactNode }) {
  return (
    <div
      className={[styles.notice, tones[tone]].filter(Boolean).join(' ')}
      role={tone === 'danger' ? 'alert' : 'status'}
    >
      {children}
    </div>
  )
}
