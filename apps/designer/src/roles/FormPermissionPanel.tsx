import { useTranslation } from 'react-i18next'
import type { AppDefinition, FormSchema, RoleDef } from '@trellis/form-engine'
import { ConditionBuilder } from '../conditions/ConditionBuilder'
import { localized } from '../i18n'
import { Select } from '../ui/inputs'
import { FIELD_RULES, fieldRule, type FieldRule, type RolesEdit } from './roles-edit'
import styles from './roles.module.css'

/** One form of one role: which rows the role sees (scope) and what it may see and change of each field. */
export function FormPermissionPanel({
  app,
  role,
  form,
  apply,
}: {
  app: AppDefinition
  role: RoleDef
  form: FormSchema
  apply(edit: RolesEdit): void
}) {
  const { t, i18n } = useTranslation()
  const permission = role.forms[form.key]
  const formName = localized(form.label, i18n.language) || form.key
  const fields = form.fields.filter((f) => !f.archived)
  return (
    <div className={styles.panel}>
      <section className={styles.panelSection}>
        <h3 className={styles.sectionTitle}>{t('roles.scopeTitle', { form: formName })}</h3>
        <p className={styles.hint}>{t('roles.scopeHint')}</p>
        <ConditionBuilder
          label={t('roles.scopeTitle', { form: formName })}
          fields={form.fields}
          app={app}
          userVariables
          value={permission?.scope}
          onChange={(scope) => apply({ type: 'set-scope', role: role.key, form: form.key, scope })}
        />
      </section>
      <section className={styles.panelSection}>
        <h3 className={styles.sectionTitle}>{t('roles.fieldRulesTitle')}</h3>
        <div className={styles.fieldRules}>
          {fields.map((field) => {
            const rule = fieldRule(permission, field.key)
            const name = localized(field.label, i18n.language) || field.key
            return (
              <div key={field.key} className={styles.fieldRule} data-testid={`field-rule-${field.key}`}>
                <span className={styles.fieldName}>{name}</span>
                <Select
                  aria-label={t('roles.fieldRuleFor', { field: name })}
                  className={styles.ruleSelect}
                  value={rule}
                  onChange={(event) =>
                    apply({
                      type: 'set-field-rule',
                      role: role.key,
                      form: form.key,
                      field: field.key,
                      rule: event.target.value as FieldRule,
                    })
                  }
                >
                  {FIELD_RULES.map((choice) => (
                    <option key={choice} value={choice}>
                      {t(`roles.rules.${choice}`)}
                    </option>
                  ))}
                </Select>
                {rule === 'maskedWhen' && (
                  <div className={styles.maskedWhen}>
                    <ConditionBuilder
                      label={t('roles.maskedWhenFor', { field: name })}
                      fields={form.fields}
                      app={app}
                      value={permission?.maskedWhen?.[field.key]}
                      onChange={(condition) =>
                        apply({
                          type: 'set-masked-when',
                          role: role.key,
                          form: form.key,
                          field: field.key,
                          condition,
                        })
                      }
                    />
                  </div>
                )}
              </div>
            )
          })}
        </div>
      </section>
    </div>
  )
}
