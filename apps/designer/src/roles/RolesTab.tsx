import { useMemo, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { validateRoles, type AppIssue, type RoleDef } from '@trellis/form-engine'
import type { BuilderTabProps } from '../builder/builder-tab'
import { bothLanguages, localized } from '../i18n'
import { Badge } from '../ui/Badge'
import { Button } from '../ui/Button'
import { EmptyState } from '../ui/EmptyState'
import { RoleEditor } from './RoleEditor'
import { editRoles, rolesEditGroup, type RolesEdit } from './roles-edit'
import panes from '../ui/panes.module.css'
import styles from './roles.module.css'

/**
 * The Roles tab: each role's actions per form, its row scope (a condition with `$user` variables) and
 * its field rules, edited in the draft (`app.roles`) through setSection and checked as the server
 * checks them (validateRoles).
 */
export default function RolesTab({ app, setSection }: BuilderTabProps) {
  const { t, i18n } = useTranslation()
  const roles = useMemo(() => app.roles ?? [], [app.roles])
  const [selected, setSelected] = useState<number>(0)

  const issues = useMemo(() => {
    try {
      return validateRoles(app, new Map(app.forms.map((form) => [form.key, form])))
    } catch {
      return []
    }
  }, [app])
  const issuesOf = (index: number): AppIssue[] =>
    issues.filter((issue) => issue.path === `roles.${index}` || issue.path.startsWith(`roles.${index}.`))

  const apply = (edit: RolesEdit) => {
    const next: RoleDef[] = editRoles(roles, edit)
    setSection('roles', next, rolesEditGroup(edit))
    if (edit.type === 'add') setSelected(next.length - 1)
    if (edit.type === 'remove') setSelected(0)
  }

  const index = Math.min(selected, roles.length - 1)
  const current = roles[index]

  return (
    <div className={styles.tab}>
      <aside className={panes.sidePane}>
        <div className={panes.paneHead}>
          <h2 className={panes.paneHeading}>{t('roles.title')}</h2>
          <Button
            size="small"
            variant="primary"
            onClick={() => apply({ type: 'add', label: bothLanguages('roles.newLabel') })}
          >
            + {t('roles.add')}
          </Button>
        </div>
        {roles.length === 0 ? (
          <p className={styles.muted}>{t('roles.none')}</p>
        ) : (
          <ul className={styles.list} aria-label={t('roles.title')}>
            {roles.map((role, i) => (
              <li key={i} className={styles.item} aria-current={i === index}>
                <button type="button" className={styles.itemButton} onClick={() => setSelected(i)}>
                  <span className={styles.itemName}>{localized(role.label, i18n.language) || role.key}</span>
                  <span className={styles.itemMeta}>{role.key}</span>
                </button>
                {issuesOf(i).length > 0 && <Badge tone="danger">{issuesOf(i).length}</Badge>}
              </li>
            ))}
          </ul>
        )}
        <p className={styles.hint}>{t('roles.adminHint')}</p>
      </aside>
      <section className={panes.mainPane}>
        {current ? (
          <RoleEditor key={index} app={app} role={current} issues={issuesOf(index)} apply={apply} />
        ) : (
          <EmptyState title={t('roles.emptyTitle')}>{t('roles.emptyBody')}</EmptyState>
        )}
      </section>
    </div>
  )
}
