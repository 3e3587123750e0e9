import type { ButtonHTMLAttributes } from 'react'
import styles from './ui.module.css'

export interface ButtonProps extends ButtonHTMLAttributes<HTMLButtonElement> {
  variant?: 'default' | 'primary' | 'danger' | 'ghost'
  size?: 'normal' | 'small'
}

export function Button({ variant = 'default', size = 'normal', className, type, ...rest }: ButtonProps) {
  const classes = [styles.button, variant !== 'default' && styles[variant], size === 'small' && styles.small]
  if (className) classes.push(className)
  return <button type={type ?? 'button'} className={classes.filter(Boolean).join(' ')} {...rest} />
}
