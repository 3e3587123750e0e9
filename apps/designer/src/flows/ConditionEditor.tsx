import type { AppDefinition, FieldDef, JsonLogic } from '@trellis/form-engine'
import { lazy, Suspense, useMemo, type ComponentType } from 'react'
import { useTranslation } from 'react-i18next'
import { JsonEditor } from '../forms/JsonEditor'
import type { DesignedFlow } from './state/flow-doc'
import { conditionFieldsOf } from './state/condition-fields'

interface BuilderProps {
  fields: FieldDef[]
  value: JsonLogic | undefined
  onChange(value: JsonLogic | undefined): void
  app?: AppDefinition
  label?: string
}

// The visual condition builder is another feature's (src/conditions); found by glob so this tab still builds
// where it is absent, falling back to the JSON box. Loaded lazily: it is only needed once an edge is open.
const builderModules = import.meta.glob<{ ConditionBuilder: ComponentType<BuilderProps> }>(
  '../conditions/ConditionBuilder.tsx',
)
const loadBuilder = Object.values(builderModules)[0]
const Builder = loadBuilder
  ? lazy(() => loadBuilder().then((module) => ({ default: module.ConditionBuilder })))
  : undefined

/**
 * An exclusive gateway edge's condition. Conditions read the instance data, so the record's fields are
 * offered as `record.<field>` and each user task's outcome as `tasks.<node>.outcome`.
 */
export function ConditionEditor({
  app,
  flow,
  value,
  onChange,
}: {
  app: AppDefinition
  flow: DesignedFlow
  value: unknown
  onChange: (value: unknown) => void
}) {
  const { t, i18n } = useTranslation()
  const fields = useMemo(
    () => conditionFieldsOf(app, flow, i18n.getFixedT('zh-CN'), i18n.getFixedT('en')),
    [app, flow, i18n],
  )
  const json = (
    <JsonEditor
      label={t('flows.edge.condition')}
      hint={t('flows.edge.conditionHint')}
      value={value}
      onChange={onChange}
    />
  )
  if (!Builder) return json
  return (
    <Suspense fallback={json}>
      <div data-testid="edge-condition">
        <Builder
          fields={fields}
          app={app}
          value={value as JsonLogic | undefined}
          onChange={onChange}
          label={t('flows.edge.condition')}
        />
      </div>
    </Suspense>
  )
}
