import { useTranslation } from 'react-i18next'
import type { AppDefinition } from '@trellis/form-engine'
import type { Rule, RuleIssue } from '@trellis/rule-engine'
import type { PublishedRule, RulesCatalog } from '../api/rules'
import { ConditionBuilder } from '../conditions/ConditionBuilder'
import { sameLogic } from '../conditions/logic-rows'
import { Badge } from '../ui/Badge'
import { Button } from '../ui/Button'
import { Field } from '../ui/Field'
import { Checkbox, TextInput } from '../ui/inputs'
import { ActionsEditor } from './ActionsEditor'
import { RuleInputs } from './RuleInputs'
import { RulePreview } from './RulePreview'
import { RunLog } from './RunLog'
import { issueText } from './rule-issues'
import type { RulesEdit } from './rules-edit'
import { TriggerEditor } from './TriggerEditor'
import styles from './rules.module.css'

const KEY = /^[a-z][a-z0-9_]{0,62}$/

interface RuleEditorProps {
  appKey: string
  app: AppDefinition
  rule: Rule
  catalog: RulesCatalog | undefined
  issues: RuleIssue[]
  published: PublishedRule | undefined
  publishedVersion: number | null
  apply(edit: RulesEdit): void
}

/** One rule: name, trigger, condition, actions, its problems, previews and its run log. */
export function RuleEditor({
  appKey,
  app,
  rule,
  catalog,
  issues,
  published,
  publishedVersion,
  apply,
}: RuleEditorProps) {
  const { t } = useTranslation()
  const key = rule.key
  const form =
    'form' in rule.trigger ? app.forms.find((f) => f.key === rule.trigger.form && !f.archived) : undefined
  // Key order is not meaningful (the server stores definitions as jsonb, which reorders keys).
  const changed = published !== undefined && !sameLogic(published.rule, rule)
  // On a record update the condition may read the values before and after it and which fields changed.
  const recordChange = rule.trigger.kind === 'record' && rule.trigger.on.includes('updated')
  return (
    <div className={styles.editor}>
      <div className={styles.editorHead}>
        <div className={styles.badges}>
          {published ? (
            <Badge tone={published.enabled ? 'success' : 'neutral'}>
              {published.enabled ? t('rules.liveOn') : t('rules.liveOff')}
            </Badge>
          ) : (
            <Badge>{t('rules.unpublished')}</Badge>
          )}
          {changed && <Badge tone="warning">{t('rules.changedSincePublish')}</Badge>}
        </div>
        <Button size="small" variant="danger" onClick={() => apply({ type: 'remove', key })}>
          {t('rules.remove')}
        </Button>
      </div>

      <div className={styles.grid}>
        <Field label={t('rules.nameZh')}>
          {({ id }) => (
            <TextInput
              id={id}
              value={rule.name?.['zh-CN'] ?? ''}
              onChange={(event) => apply({ type: 'set-name', key, lang: 'zh-CN', text: event.target.value })}
            />
          )}
        </Field>
        <Field label={t('rules.nameEn')}>
          {({ id }) => (
            <TextInput
              id={id}
              value={rule.name?.en ?? ''}
              onChange={(event) => apply({ type: 'set-name', key, lang: 'en', text: event.target.value })}
            />
          )}
        </Field>
        <Field
          label={t('rules.key')}
          hint={published ? t('rules.keyLocked') : undefined}
          error={KEY.test(key) ? undefined : t('rules.keyInvalid')}
        >
          {({ id, describedBy, invalid }) => (
            <TextInput
              id={id}
              value={key}
              disabled={published !== undefined}
              aria-describedby={describedBy}
              aria-invalid={invalid}
              onChange={(event) => apply({ type: 'set-key', key, next: event.target.value.toLowerCase() })}
            />
          )}
        </Field>
        <div className={styles.checkCell}>
          <Checkbox
            label={t('rules.enabledByDefault')}
            checked={rule.enabled !== false}
            onChange={(event) => apply({ type: 'set-enabled', key, enabled: event.target.checked })}
          />
        </div>
      </div>

      <section className={styles.section}>
        <h3 className={styles.sectionTitle}>{t('rules.when')}</h3>
        <TriggerEditor app={app} rule={rule} catalog={catalog} apply={apply} />
      </section>

      <RuleInputs app={app} rule={rule} />

      <section className={styles.section}>
        <h3 className={styles.sectionTitle}>{t('rules.if')}</h3>
        {form ? (
          <ConditionBuilder
            label={t('rules.if')}
            fields={form.fields}
            app={app}
            value={rule.condition}
            recordChange={recordChange}
            onChange={(condition) => apply({ type: 'set-condition', key, condition })}
          />
        ) : (
          <p className={styles.muted}>{t('rules.noFormNoCondition')}</p>
        )}
        {form && recordChange && <p className={styles.hint}>{t('rules.beforeHint')}</p>}
      </section>

      <section className={styles.section}>
        <h3 className={styles.sectionTitle}>{t('rules.then')}</h3>
        <ActionsEditor app={app} rule={rule} form={form} catalog={catalog} apply={apply} />
      </section>

      {issues.length > 0 && (
        <section className={styles.section} aria-label={t('rules.issuesTitle')}>
          <h3 className={styles.sectionTitle}>{t('rules.issuesTitle')}</h3>
          <ul className={styles.issues}>
            {issues.map((issue, i) => {
              const text = issueText(issue, rule, t)
              return (
                <li key={i} data-issue={issue.code}>
                  <strong>{text.place}</strong> {text.message} <code>{issue.path}</code>
                </li>
              )
            })}
          </ul>
        </section>
      )}

      {form && (
        <section className={styles.section}>
          <h3 className={styles.sectionTitle}>{t('rules.preview')}</h3>
          <RulePreview
            appKey={appKey}
            app={app}
            rule={rule}
            form={form}
            published={published}
            changed={changed}
            publishedVersion={publishedVersion}
          />
        </section>
      )}

      {published && (
        <section className={styles.section}>
          <h3 className={styles.sectionTitle}>{t('rules.runLog')}</h3>
          <RunLog appKey={appKey} app={app} rule={key} publishedVersion={publishedVersion} />
        </section>
      )}
    </div>
  )
}
