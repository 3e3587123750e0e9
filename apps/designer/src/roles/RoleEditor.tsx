import { Fragment, useState } from 'react'
import { useTranslation } from 'react-i18next'
import {
  FORM_ACTIONS,
  formatFieldError,
  type AppDefinition,
  type AppIssue,
  type RoleDef,
} from '@trellis/form-engine'
import { ConditionSummary } from '../conditions/ConditionBuilder'
import { engineLocale, localized } from '../i18n'
import { Button } from '../ui/Button'
import { Field } from '../ui/Field'
import { TextInput } from '../ui/inputs'
import { FormPermissionPanel } from './FormPermissionPanel'
import { fieldRule, type RolesEdit } from './roles-edit'
import styles from './roles.module.css'

const KEY = /^[a-z][a-z0-9_]{0,62}$/

/** One role: its names and key, and a row per form with the actions, the scope and the field rules. */
export function RoleEditor({
  app,
  role,
  issues,
  apply,
}: {
  app: AppDefinition
  role: RoleDef
  issues: AppIssue[]
  apply(edit: RolesEdit): void
}) {
  const { t, i18n } = useTranslation()
  const [open, setOpen] = useState<string | undefined>()
  const forms = app.forms.filter((form) => !form.archived)
  return (
    <div className={styles.editor}>
      <div className={styles.grid}>
        <Field label={t('roles.labelZh')}>
          {({ id }) => (
            <TextInput
              id={id}
              value={role.label['zh-CN'] ?? ''}
              onChange={(event) =>
                apply({ type: 'set-label', role: role.key, lang: 'zh-CN', text: event.target.value })
              }
            />
          )}
        </Field>
        <Field label={t('roles.labelEn')}>
          {({ id }) => (
            <TextInput
              id={id}
              value={role.label.en ?? ''}
              onChange={(event) =>
                apply({ type: 'set-label', role: role.key, lang: 'en', text: event.target.value })
              }
            />
          )}
        </Field>
        <Field
          label={t('roles.key')}
          hint={t('roles.keyHint')}
          error={KEY.test(role.key) ? undefined : t('roles.keyInvalid')}
        >
          {({ id, describedBy, invalid }) => (
            <TextInput
              id={id}
              value={role.key}
              aria-describedby={describedBy}
              aria-invalid={invalid}
              onChange={(event) =>
                apply({ type: 'set-key', role: role.key, next: event.target.value.toLowerCase() })
              }
            />
          )}
        </Field>
        <div className={styles.removeCell}>
          <Button size="small" variant="danger" onClick={() => apply({ type: 'remove', role: role.key })}>
            {t('roles.remove')}
          </Button>
        </div>
      </div>

      {issues.length > 0 && (
        <ul className={styles.issues} aria-label={t('roles.issues')}>
          {issues.map((issue, i) => (
            <li key={i}>
              <code>{issue.path}</code> {formatFieldError(issue, engineLocale(i18n.language))}
            </li>
          ))}
        </ul>
      )}

      <table className={styles.table}>
        <thead>
          <tr>
            <th>{t('roles.form')}</th>
            {FORM_ACTIONS.map((action) => (
              <th key={action} className={styles.center}>
                {t(`roles.actions.${action}`)}
              </th>
            ))}
            <th>{t('roles.scope')}</th>
            <th>{t('roles.fieldRules')}</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {forms.map((form) => {
            const permission = role.forms[form.key]
            const formName = localized(form.label, i18n.language) || form.key
            const ruled = form.fields.filter(
              (f) => !f.archived && fieldRule(permission, f.key) !== 'visible',
            ).length
            const expanded = open === form.key
            return (
              <Fragment key={form.key}>
                <tr className={expanded ? styles.openRow : undefined} data-testid={`role-form-${form.key}`}>
                  <td className={styles.formName}>{formName}</td>
                  {FORM_ACTIONS.map((action) => (
                    <td key={action} className={styles.center}>
                      <input
                        type="checkbox"
                        className={styles.check}
                        aria-label={t('roles.actionOn', {
                          action: t(`roles.actions.${action}`),
                          form: formName,
                        })}
                        checked={permission?.actions.includes(action) ?? false}
                        onChange={(event) =>
                          apply({
                            type: 'set-action',
                            role: role.key,
                            form: form.key,
                            action,
                            on: event.target.checked,
                          })
                        }
                      />
                    </td>
                  ))}
                  <td className={styles.scopeCell}>
                    {permission?.scope === undefined ? (
                      <span className={styles.muted}>{t('roles.allRows')}</span>
                    ) : (
                      <ConditionSummary fields={form.fields} value={permission.scope} app={app} />
                    )}
                  </td>
                  <td>
                    {ruled > 0 ? (
                      t('roles.ruledFields', { count: ruled })
                    ) : (
                      <span className={styles.muted}>—</span>
                    )}
                  </td>
                  <td>
                    <Button
                      size="small"
                      aria-expanded={expanded}
                      aria-label={t('roles.editForm', { form: formName })}
                      onClick={() => setOpen(expanded ? undefined : form.key)}
                    >
                      {expanded ? t('roles.close') : t('roles.edit')}
                    </Button>
                  </td>
                </tr>
                {expanded && (
                  <tr>
                    <td colSpan={FORM_ACTIONS.length + 4} className={styles.panelCell}>
                      <FormPermissionPanel app={app} role={role} form={form} apply={apply} />
                    </td>
                  </tr>
                )}
              </Fragment>
            )
          })}
        </tbody>
      </table>
    </div>
  )
}
