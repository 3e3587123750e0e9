import type { AppDefinition } from '@trellis/form-engine'
import type { Assignee } from '@trellis/flow-engine'
import { useEffect, useId, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { localized } from '../i18n'
import { Field } from '../ui/Field'
import { Select, TextInput } from '../ui/inputs'
import { listUsers, type UserChoice } from './flows-api'

/** Who a user task goes to: a user, a role of the app, or a user field of the record. */
export function AssigneeEditor({
  app,
  value,
  fields,
  onChange,
}: {
  app: AppDefinition
  value: Assignee | undefined
  fields: { key: string; label: string }[]
  onChange: (assignee: Assignee | undefined, group?: string) => void
}) {
  const { t, i18n } = useTranslation()
  const roles = app.roles ?? []
  return (
    <>
      <Field label={t('flows.assignee.kind')}>
        {({ id }) => (
          <Select
            id={id}
            value={value?.kind ?? ''}
            onChange={(event) => {
              const kind = event.target.value
              onChange(
                kind === 'user'
                  ? { kind, userId: '' }
                  : kind === 'role'
                    ? { kind, role: roles[0]?.key ?? '' }
                    : kind === 'field'
                      ? { kind, field: fields[0]?.key ?? '' }
                      : undefined,
              )
            }}
          >
            <option value="">{t('flows.assignee.none')}</option>
            <option value="user">{t('flows.assignee.user')}</option>
            <option value="role">{t('flows.assignee.role')}</option>
            <option value="field">{t('flows.assignee.field')}</option>
          </Select>
        )}
      </Field>
      {value?.kind === 'user' && (
        <UserIdInput
          value={value.userId}
          onChange={(userId) => onChange({ kind: 'user', userId }, 'assignee:user')}
        />
      )}
      {value?.kind === 'role' && (
        <Field label={t('flows.assignee.roleKey')}>
          {({ id }) =>
            roles.length > 0 ? (
              <Select
                id={id}
                value={value.role}
                onChange={(event) => onChange({ kind: 'role', role: event.target.value })}
              >
                {!roles.some((role) => role.key === value.role) && (
                  <option value={value.role}>{value.role}</option>
                )}
                {roles.map((role) => (
                  <option key={role.key} value={role.key}>
                    {localized(role.label, i18n.language) || role.key}
                  </option>
                ))}
              </Select>
            ) : (
              <TextInput
                id={id}
                value={value.role}
                onChange={(event) => onChange({ kind: 'role', role: event.target.value }, 'assignee:role')}
              />
            )
          }
        </Field>
      )}
      {value?.kind === 'field' && (
        <Field label={t('flows.assignee.fieldKey')} hint={t('flows.assignee.fieldHint')}>
          {({ id, describedBy }) =>
            fields.length > 0 ? (
              <Select
                id={id}
                aria-describedby={describedBy}
                value={value.field}
                onChange={(event) => onChange({ kind: 'field', field: event.target.value })}
              >
                {!fields.some((field) => field.key === value.field) && (
                  <option value={value.field}>{value.field}</option>
                )}
                {fields.map((field) => (
                  <option key={field.key} value={field.key}>
                    {field.label}
                  </option>
                ))}
              </Select>
            ) : (
              <TextInput
                id={id}
                aria-describedby={describedBy}
                value={value.field}
                onChange={(event) => onChange({ kind: 'field', field: event.target.value }, 'assignee:field')}
              />
            )
          }
        </Field>
      )}
    </>
  )
}

/** A user id, with the platform's users offered as suggestions (id, shown with their name). */
function UserIdInput({ value, onChange }: { value: string; onChange: (userId: string) => void }) {
  const { t } = useTranslation()
  const listId = useId()
  const [choices, setChoices] = useState<UserChoice[]>([])
  useEffect(() => {
    let cancelled = false
    void listUsers().then((found) => !cancelled && setChoices(found))
    return () => {
      cancelled = true
    }
  }, [])
  return (
    <Field label={t('flows.assignee.userId')} hint={t('flows.assignee.userIdHint')}>
      {({ id, describedBy }) => (
        <>
          <TextInput
            id={id}
            aria-describedby={describedBy}
            list={listId}
            value={value}
            onChange={(event) => onChange(event.target.value)}
          />
          <datalist id={listId}>
            {choices.map((user) => (
              <option key={user.id} value={user.id}>
                {user.displayName ? `${user.displayName} (${user.username})` : user.username}
              </option>
            ))}
          </datalist>
        </>
      )}
    </Field>
  )
}
