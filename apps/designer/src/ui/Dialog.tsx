import { useEffect, useRef, type ReactNode } from 'react'
import styles from './ui.module.css'

export interface DialogProps {
  open: boolean
  title: ReactNode
  onClose: () => void
  children: ReactNode
  footer?: ReactNode
  /** Names the dialog for tests and assistive technology. */
  testId?: string
}

/**
 * A modal on the native <dialog>: the browser gives focus trapping, Escape and the backdrop for free,
 * which is why no dialog library is pulled in.
 */
export function Dialog({ open, title, onClose, children, footer, testId }: DialogProps) {
  const ref = useRef<HTMLDialogElement>(null)

  useEffect(() => {
    const dialog = ref.current
    if (!dialog) return
    // happy-dom may lack showModal; the open attribute is enough there.
    if (open && !dialog.open) {
      if (typeof dialog.showModal === 'function') dialog.showModal()
      else dialog.setAttribute('open', '')
    } else if (!open && dialog.open) {
      if (typeof dialog.close === 'function') dialog.close()
      else dialog.removeAttribute('open')
    }
  }, [open])

  return (
    <dialog
      ref={ref}
      className={styles.dialog}
      data-testid={testId}
      aria-labelledby={testId ? `${testId}-title` : undefined}
      onCancel={(event) => {
        event.preventDefault()
        onClose()
      }}
    >
      {open && (
        <>
          <div className={styles.dialogHeader}>
            <h2 id={testId ? `${testId}-title` : undefined}>{title}</h2>
          </div>
          <div className={styles.dialogBody}>{children}</div>
          {footer && <div className={styles.dialogFooter}>{footer}</div>}
        </>
      )}
    </dialog>
  )
}
