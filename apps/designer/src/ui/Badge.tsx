import type { ReactNode } from 'react'
import styles from './ui.module.css'

const tones = {
  neutral: '',
  success: styles.badgeSuccess,
  warning: styles.badgeWarning,
  danger: styles.badgeDanger,
  accent: styles.badgeAccent,
}

export function Badge({ tone = 'neutral', children }: { tone?: keyof typeof tones; children: ReactNode }) {
  return <span className={[styles.badge, tones[tone]].filter(Boolean).join(' ')}>{children}</span>
}
