import { findFieldType, type AppDefinition, type FieldDef } from '@trellis/form-engine'
import type { Dispatch } from 'react'
import { useTranslation } from 'react-i18next'
import { localized } from '../i18n'
import { Button } from '../ui/Button'
import { Field } from '../ui/Field'
import { Checkbox, Select, TextInput } from '../ui/inputs'
import { Notice } from '../ui/Notice'
import styles from './forms.module.css'
import { JsonEditor } from './JsonEditor'
import { KeyEditor } from './KeyEditor'
import { OptionsEditor } from './OptionsEditor'
import { RollupEditor } from './RollupEditor'
import type { DesignerAction } from './state/designer-reducer'
import { issueText, type PlacedIssue } from './state/issues'
import { GRID_COLUMNS } from './state/layout'

const RESULT_TYPES = ['text', 'number', 'decimal', 'boolean', 'date', 'datetime'] as const
const OPTION_TYPES = new Set(['select', 'multi_select', 'tags'])

export interface PropertyPanelProps {
  app: AppDefinition
  formKey: string
  field: FieldDef
  span: number
  locked: boolean
  autoKey: boolean
  issues: readonly PlacedIssue[]
  dispatch: Dispatch<DesignerAction>
}

export function PropertyPanel({
  app,
  formKey,
  field,
  span,
  locked,
  autoKey,
  issues,
  dispatch,
}: PropertyPanelProps) {
  const { t, i18n } = useTranslation()
  const module = findFieldType(field.type)
  const form = app.forms.find((candidate) => candidate.key === formKey)
  const others = (form?.fields ?? []).map((candidate) => candidate.key).filter((key) => key !== field.key)
  const patch = (change: Partial<FieldDef>) =>
    dispatch({ type: 'update-field', field: field.key, patch: change })
  const locale = i18n.language === 'en' ? 'en' : 'zh-CN'

  return (
    <section className={styles.panel} aria-label={t('props.heading')} data-testid="properties">
      <h2 className={styles.sectionTitle}>{t('props.heading')}</h2>
      {issues.map((issue, index) => (
        <Notice key={index} tone="danger">
          {issueText(issue, locale)}
          {issue.detail && <code> · {issue.detail}</code>}
        </Notice>
      ))}
      <p className={styles.hint}>
        {t('props.type')}: {t(`fieldType.${field.type}`)}
      </p>
      <Field label={t('props.labelZh')}>
        {({ id }) => (
          <TextInput
            id={id}
            value={field.label['zh-CN'] ?? ''}
            onChange={(event) =>
              dispatch({ type: 'set-label', field: field.key, lang: 'zh-CN', text: event.target.value })
            }
          />
        )}
      </Field>
      <Field label={t('props.labelEn')}>
        {({ id }) => (
          <TextInput
            id={id}
            value={field.label.en ?? ''}
            onChange={(event) =>
              dispatch({ type: 'set-label', field: field.key, lang: 'en', text: event.target.value })
            }
          />
        )}
      </Field>
      <KeyEditor
        value={field.key}
        others={others}
        locked={locked}
        auto={autoKey}
        onRename={(key) => dispatch({ type: 'rename-key', field: field.key, key })}
      />
      <div className={styles.checks}>
        {module?.writable !== false && (
          <Checkbox
            label={t('props.required')}
            checked={Boolean(field.required)}
            onChange={(event) => patch({ required: event.target.checked || undefined })}
          />
        )}
        <Checkbox
          label={
            module?.uniqueable === false
              ? `${t('props.unique')} (${t('props.uniqueUnsupported')})`
              : t('props.unique')
          }
          checked={Boolean(field.unique)}
          disabled={module?.uniqueable === false && !field.unique}
          onChange={(event) => patch({ unique: event.target.checked || undefined })}
        />
      </div>
      <Field label={t('props.span')}>
        {({ id }) => (
          <Select
            id={id}
            value={span}
            onChange={(event) =>
              dispatch({ type: 'set-span', field: field.key, span: Number(event.target.value) })
            }
          >
            {Array.from({ length: GRID_COLUMNS }, (_, i) => i + 1).map((n) => (
              <option key={n} value={n}>
                {n} / {GRID_COLUMNS}
              </option>
            ))}
          </Select>
        )}
      </Field>

      {OPTION_TYPES.has(field.type) && (
        <OptionsEditor options={field.options ?? []} onChange={(options) => patch({ options })} />
      )}

      {field.type === 'relation' && (
        <Field label={t('props.relation')}>
          {({ id }) => (
            <Select
              id={id}
              value={field.relation?.form ?? ''}
              onChange={(event) =>
                patch({
                  relation: event.target.value ? { ...field.relation, form: event.target.value } : undefined,
                })
              }
            >
              <option value="">{t('props.relationNone')}</option>
              {app.forms
                .filter((candidate) => !candidate.archived)
                .map((candidate) => (
                  <option key={candidate.key} value={candidate.key}>
                    {localized(candidate.label, i18n.language)} ({candidate.key})
                  </option>
                ))}
            </Select>
          )}
        </Field>
      )}

      {field.type === 'formula' && (
        <>
          <JsonEditor
            key={`${field.key}:formula`}
            label={t('props.formula')}
            value={field.formula}
            onChange={(formula) => patch({ formula })}
          />
          <Field label={t('props.resultType')}>
            {({ id }) => (
              <Select
                id={id}
                value={field.resultType ?? 'number'}
                onChange={(event) => patch({ resultType: event.target.value as FieldDef['resultType'] })}
              >
                {RESULT_TYPES.map((type) => (
                  <option key={type} value={type}>
                    {t(`fieldType.${type}`)}
                  </option>
                ))}
              </Select>
            )}
          </Field>
        </>
      )}

      {field.type === 'rollup' && (
        <RollupEditor
          app={app}
          formKey={formKey}
          value={field.rollup}
          onChange={(rollup) => patch({ rollup })}
        />
      )}

      <JsonEditor
        key={`${field.key}:visibleWhen`}
        label={t('props.visibleWhen')}
        hint={t('props.conditionHint')}
        value={field.visibleWhen}
        onChange={(visibleWhen) => patch({ visibleWhen })}
      />

      <div className={styles.panelFooter}>
        {locked && <p className={styles.hint}>{t('props.removePublished')}</p>}
        <Button variant="danger" onClick={() => dispatch({ type: 'remove-field', field: field.key })}>
          {t('props.remove')}
        </Button>
      </div>
    </section>
  )
}
