import {
  compileFormValidator,
  planColumns,
  toConditionScope,
  type AppDefinition,
  type ColumnSpec,
  type FieldDef,
  type FormSchema,
  type TablePlan,
} from '@trellis/form-engine'
import type { SqlScope } from '@trellis/rule-engine'
import { AppError } from '../http/errors.js'
import { appSchemaName } from './app-keys.js'

/** One form of a published app, compiled once per app version. */
export interface CompiledForm {
  readonly schema: FormSchema
  readonly plan: TablePlan
  /** Active (not archived) columns by field key, system columns included. */
  readonly columns: ReadonlyMap<string, ColumnSpec>
  readonly fields: ReadonlyMap<string, FieldDef>
  readonly validate: ReturnType<typeof compileFormValidator>
  readonly scope: SqlScope
}

export interface RollupFeed {
  parent: CompiledForm
  field: FieldDef
}

/**
 * A published app version with everything the records API needs precomputed. Immutable: a new
 * publish makes a new instance, so caches keyed by version can never serve a stale schema.
 */
export class PublishedApp {
  readonly schema: string
  private readonly forms = new Map<string, CompiledForm>()
  private readonly feeds = new Map<string, RollupFeed[]>()

  constructor(
    readonly definition: AppDefinition,
    readonly version: number,
    /** Called when a statement meets a table this version does not describe: the cache must reload. */
    readonly markStale: () => void = () => {},
  ) {
    this.schema = appSchemaName(definition.key)
    for (const form of definition.forms) {
      if (form.archived) continue
      const plan = planColumns(form, { app: definition })
      const columns = new Map(plan.columns.filter((c) => !c.archived).map((c) => [c.field, c]))
      this.forms.set(form.key, {
        schema: form,
        plan,
        columns,
        fields: new Map(form.fields.filter((f) => !f.archived).map((f) => [f.key, f])),
        validate: compileFormValidator(form),
        scope: toConditionScope(form, { app: definition }),
      })
    }
    for (const parent of this.forms.values()) {
      for (const field of parent.fields.values()) {
        if (field.type !== 'rollup' || !field.rollup) continue
        const list = this.feeds.get(field.rollup.form) ?? []
        list.push({ parent, field })
        this.feeds.set(field.rollup.form, list)
      }
    }
  }

  get key(): string {
    return this.definition.key
  }

  form(key: string): CompiledForm {
    const form = this.forms.get(key)
    if (!form) throw new AppError(404, 'FORM_NOT_FOUND', `App "${this.key}" has no form "${key}"`)
    return form
  }

  hasForm(key: string): boolean {
    return this.forms.has(key)
  }

  /** Rollup fields on other forms whose values depend on records of `childForm`. */
  rollupsFedBy(childForm: string): readonly RollupFeed[] {
    return this.feeds.get(childForm) ?? []
  }
}
