import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { AppDefinition, FormSchema } from '@trellis/form-engine'
import { channels, type ActionConfig } from '@trellis/rule-engine'
import { JsonEditor } from '../forms/JsonEditor'
import { localized } from '../i18n'
import { Field } from '../ui/Field'
import { Checkbox, Select, TextArea, TextInput } from '../ui/inputs'
import { ExpressionInput } from './ExpressionInput'
import { ValuesEditor } from './ValuesEditor'
import styles from './rules.module.css'

interface ActionFormProps {
  app: AppDefinition
  /** The trigger's form: the record the action reads and, for set_fields and tags, writes. */
  form: FormSchema | undefined
  action: ActionConfig
  patch(patch: Record<string, unknown>): void
}

const TAG_TYPES = new Set(['tags', 'multi_select'])
const CONSENT_TYPES = new Set(['tags', 'multi_select', 'boolean'])
const asRecord = (value: unknown): Record<string, unknown> =>
  value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {}
const asText = (value: unknown): Record<string, string> => asRecord(value) as Record<string, string>

/** The configuration form of one action; types without a form here are edited as JSON. */
export function ActionForm({ app, form, action, patch }: ActionFormProps) {
  const { t, i18n } = useTranslation()
  const label = (text: Record<string, string>, fallback: string) => localized(text, i18n.language) || fallback
  const fields = (form?.fields ?? []).filter((f) => !f.archived)
  const forms = app.forms.filter((f) => !f.archived)

  switch (action.type) {
    case 'set_fields':
      return (
        <ValuesEditor
          form={form}
          label={t('rules.actions.values')}
          values={asRecord(action.values)}
          onChange={(values) => patch({ values })}
        />
      )
    case 'add_tags':
    case 'remove_tags': {
      const tagFields = fields.filter((f) => TAG_TYPES.has(f.type))
      const field = tagFields.find((f) => f.key === action.field)
      return (
        <div className={styles.grid}>
          <Field label={t('rules.actions.tagField')}>
            {({ id }) => (
              <Select
                id={id}
                value={String(action.field ?? '')}
                onChange={(event) => patch({ field: event.target.value })}
              >
                <option value="" />
                {tagFields.map((f) => (
                  <option key={f.key} value={f.key}>
                    {label(f.label, f.key)}
                  </option>
                ))}
              </Select>
            )}
          </Field>
          <TagsInput
            label={t('rules.actions.tags')}
            value={Array.isArray(action.tags) ? (action.tags as string[]) : []}
            options={(field?.options ?? []).map((o) => ({ value: o.value, label: label(o.label, o.value) }))}
            onChange={(tags) => patch({ tags })}
          />
        </div>
      )
    }
    case 'create_record': {
      const target = forms.find((f) => f.key === action.form)
      return (
        <div className={styles.stack}>
          <Field label={t('rules.actions.targetForm')}>
            {({ id }) => (
              <Select
                id={id}
                value={String(action.form ?? '')}
                onChange={(event) => patch({ form: event.target.value, values: {}, codes: undefined })}
              >
                {forms.map((f) => (
                  <option key={f.key} value={f.key}>
                    {label(f.label, f.key)}
                  </option>
                ))}
              </Select>
            )}
          </Field>
          <ValuesEditor
            form={target}
            label={t('rules.actions.values')}
            values={asRecord(action.values)}
            onChange={(values) => patch({ values })}
          />
          <JsonEditor
            label={t('rules.actions.codes')}
            hint={t('rules.actions.codesHint')}
            value={action.codes}
            onChange={(codes) => patch({ codes })}
          />
        </div>
      )
    }
    case 'notify': {
      const body = asText(action.body)
      const subject = asText(action.subject)
      const to = action.to as unknown
      const toField =
        to && typeof to === 'object' && typeof (to as { var?: unknown }).var === 'string'
          ? (to as { var: string }).var
          : undefined
      return (
        <div className={styles.stack}>
          <div className={styles.grid}>
            <Field label={t('rules.actions.channel')}>
              {({ id }) => (
                <Select
                  id={id}
                  value={String(action.channel)}
                  onChange={(event) => patch({ channel: event.target.value })}
                >
                  {channels.map((channel) => (
                    <option key={channel} value={channel}>
                      {t(`rules.actions.channels.${channel}`)}
                    </option>
                  ))}
                </Select>
              )}
            </Field>
            <Field label={t('rules.actions.to')} hint={t('rules.actions.toHint')}>
              {({ id, describedBy }) =>
                toField !== undefined || to === null || to === undefined ? (
                  <Select
                    id={id}
                    aria-describedby={describedBy}
                    value={toField ?? ''}
                    onChange={(event) =>
                      patch({ to: event.target.value ? { var: event.target.value } : null })
                    }
                  >
                    <option value="" />
                    {fields.map((f) => (
                      <option key={f.key} value={f.key}>
                        {label(f.label, f.key)}
                      </option>
                    ))}
                  </Select>
                ) : (
                  <ExpressionInput id={id} value={to} textual onChange={(next) => patch({ to: next })} />
                )
              }
            </Field>
          </div>
          {action.channel === 'email' && (
            <div className={styles.grid}>
              {(['zh-CN', 'en'] as const).map((lang) => (
                <Field key={lang} label={t(`rules.actions.subject.${lang}`)}>
                  {({ id }) => (
                    <TextInput
                      id={id}
                      value={subject[lang] ?? ''}
                      onChange={(event) => patch({ subject: { ...subject, [lang]: event.target.value } })}
                    />
                  )}
                </Field>
              ))}
            </div>
          )}
          {(['zh-CN', 'en'] as const).map((lang) => (
            <Field
              key={lang}
              label={t(`rules.actions.body.${lang}`)}
              hint={lang === 'zh-CN' ? t('rules.actions.bodyHint', { example: '{{name}}' }) : undefined}
            >
              {({ id, describedBy }) => (
                <TextArea
                  id={id}
                  aria-describedby={describedBy}
                  className={styles.bodyText}
                  value={body[lang] ?? ''}
                  onChange={(event) => {
                    const next = { ...body, [lang]: event.target.value }
                    if (lang === 'en' && !event.target.value) delete next.en
                    patch({ body: next })
                  }}
                />
              )}
            </Field>
          ))}
          <div className={styles.grid}>
            <div className={styles.checkCell}>
              <Checkbox
                label={t('rules.actions.marketing')}
                checked={action.marketing === true}
                onChange={(event) => patch({ marketing: event.target.checked || undefined })}
              />
            </div>
            {action.marketing === true && (
              <Field label={t('rules.actions.consentField')}>
                {({ id }) => (
                  <Select
                    id={id}
                    value={String(action.consentField ?? '')}
                    onChange={(event) => patch({ consentField: event.target.value || undefined })}
                  >
                    <option value="" />
                    {fields
                      .filter((f) => CONSENT_TYPES.has(f.type))
                      .map((f) => (
                        <option key={f.key} value={f.key}>
                          {label(f.label, f.key)}
                        </option>
                      ))}
                  </Select>
                )}
              </Field>
            )}
          </div>
        </div>
      )
    }
    case 'call_webhook':
      return (
        <div className={styles.stack}>
          <div className={styles.grid}>
            <Field label={t('rules.actions.url')}>
              {({ id }) => (
                <TextInput
                  id={id}
                  type="url"
                  value={String(action.url ?? '')}
                  onChange={(event) => patch({ url: event.target.value })}
                />
              )}
            </Field>
            <Field label={t('rules.actions.timeoutMs')}>
              {({ id }) => (
                <TextInput
                  id={id}
                  type="number"
                  value={action.timeoutMs === undefined ? '' : String(action.timeoutMs)}
                  placeholder="5000"
                  onChange={(event) =>
                    patch({
                      timeoutMs: event.target.value ? Math.trunc(Number(event.target.value)) : undefined,
                    })
                  }
                />
              )}
            </Field>
          </div>
          <JsonEditor
            label={t('rules.actions.webhookBody')}
            hint={t('rules.actions.webhookBodyHint')}
            value={action.body}
            onChange={(value) => patch({ body: value })}
          />
          <JsonEditor
            label={t('rules.actions.headers')}
            value={action.headers}
            onChange={(value) => patch({ headers: value })}
          />
        </div>
      )
    case 'start_flow': {
      const flows = (app.flows ?? []).filter(
        (flow): flow is { key: string; name?: Record<string, string> } =>
          typeof (flow as { key?: unknown })?.key === 'string',
      )
      return (
        <div className={styles.stack}>
          <Field label={t('rules.actions.flow')}>
            {({ id }) => (
              <Select
                id={id}
                value={String(action.flow ?? '')}
                onChange={(event) => patch({ flow: event.target.value })}
              >
                <option value="" />
                {flows.map((flow) => (
                  <option key={flow.key} value={flow.key}>
                    {label(flow.name ?? {}, flow.key)}
                  </option>
                ))}
              </Select>
            )}
          </Field>
          <JsonEditor
            label={t('rules.actions.variables')}
            hint={t('rules.actions.variablesHint')}
            value={action.variables}
            onChange={(value) => patch({ variables: value })}
          />
        </div>
      )
    }
    default: {
      const { type: _type, ...config } = action
      return (
        <JsonEditor
          label={t('rules.actions.config')}
          value={config}
          onChange={(value) => patch(asRecord(value))}
        />
      )
    }
  }
}

function TagsInput({
  label,
  value,
  options,
  onChange,
}: {
  label: string
  value: string[]
  options: { value: string; label: string }[]
  onChange(value: string[]): void
}) {
  const { t } = useTranslation()
  const [draft, setDraft] = useState('')
  const known = new Set(options.map((o) => o.value))
  const all = [...options, ...value.filter((v) => !known.has(v)).map((v) => ({ value: v, label: v }))]
  return (
    <div className={styles.tagsInput} role="group" aria-label={label}>
      <span className={styles.inlineLabel}>{label}</span>
      {all.map((o) => (
        <button
          key={o.value}
          type="button"
          className={styles.chip}
          aria-pressed={value.includes(o.value)}
          onClick={() =>
            onChange(value.includes(o.value) ? value.filter((v) => v !== o.value) : [...value, o.value])
          }
        >
          {o.label}
        </button>
      ))}
      <TextInput
        aria-label={t('rules.actions.newTag')}
        placeholder={t('rules.actions.newTag')}
        className={styles.tagDraft}
        value={draft}
        onChange={(event) => setDraft(event.target.value)}
        onKeyDown={(event) => {
          const tag = draft.trim()
          if (event.key === 'Enter' && tag) {
            event.preventDefault()
            if (!value.includes(tag)) onChange([...value, tag])
            setDraft('')
          }
        }}
      />
    </div>
  )
}
