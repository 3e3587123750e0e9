import { describe, it, expect } from 'vitest'
import type { AppDefinition, FieldDef, FormSchema, MigrationStep } from '../src/index.js'
import { FormEngineError, applyArchives, planAppMigration, planMigration } from '../src/index.js'
import { crmApp, customers, field, stores, withField } from './crm-app.js'

const app = { oldApp: crmApp, newApp: crmApp }
const plan = (before: FormSchema, after: FormSchema) => planMigration(before, after, app)
const summary = (steps: MigrationStep[]) => steps.map((step) => [step.id, step.lossy])
const appWith = (...forms: FormSchema[]): AppDefinition => ({
  ...crmApp,
  forms: crmApp.forms.map((form) => forms.find((other) => other.key === form.key) ?? form),
})

describe('planMigration', () => {
  it('plans nothing when nothing changed', () => {
    expect(plan(customers, customers)).toEqual([])
  })

  it('adds a column for a new field, with its index', () => {
    const wechat: FieldDef = { key: 'wechat', type: 'text', label: { en: 'WeChat' }, unique: true }
    const steps = plan(customers, { ...customers, fields: [...customers.fields, wechat] })
    expect(summary(steps)).toEqual([
      ['customers.wechat:add_column', false],
      ['customers.wechat:add_index', false],
    ])
    expect(steps[0]).toMatchObject({
      kind: 'add_column',
      column: { column: 'wechat', sqlType: 'text', notNull: false },
    })
    expect(steps[1]).toMatchObject({ kind: 'add_index', name: 'customers_wechat_key', unique: true })
  })

  it('turns a label-only change into rename_label and nothing else', () => {
    const renamed = withField(customers, 'email', {
      ...field(customers, 'email'),
      label: { 'zh-CN': '电子邮箱', en: 'E-mail' },
    })
    const steps = plan(customers, renamed)
    expect(steps).toEqual([
      {
        id: 'customers.email:rename_label',
        kind: 'rename_label',
        form: 'customers',
        field: 'email',
        from: field(customers, 'email').label,
        to: { 'zh-CN': '电子邮箱', en: 'E-mail' },
        lossy: false,
      },
    ])
  })

  it('changes text to number with a cast check, flagged lossy', () => {
    const before = withField(stores, 'city', { key: 'city', type: 'text', label: { en: 'City' } })
    const after = withField(stores, 'city', { key: 'city', type: 'number', label: { en: 'City' } })
    const [step, ...rest] = planMigration(before, after)
    expect(rest).toEqual([])
    expect(step).toMatchObject({
      id: 'stores.city:change_type',
      kind: 'change_type',
      from: 'text',
      to: 'double precision',
      fromType: 'text',
      toType: 'number',
      castCheck: true,
      lossy: true,
    })
    expect(step?.reason).toMatch(/parse/)
  })

  it('judges numeric changes by what the cast does to values', () => {
    const amount = (extra: Partial<FieldDef>): FormSchema =>
      withField(stores, 'city', { key: 'city', type: 'decimal', label: { en: 'x' }, ...extra })
    const change = (a: FormSchema, b: FormSchema) => planMigration(a, b)[0]
    expect(change(amount({ scale: 2 }), amount({ scale: 4 }))).toMatchObject({
      to: 'numeric(20, 4)',
      lossy: false,
      castCheck: true,
    })
    expect(change(amount({ scale: 4 }), amount({ scale: 2 }))).toMatchObject({
      to: 'numeric(20, 2)',
      lossy: true,
    })
    expect(change(amount({ type: 'number' }), amount({ type: 'number', integer: true }))).toMatchObject({
      to: 'bigint',
      lossy: true,
    })
    expect(change(amount({ type: 'datetime' }), amount({ type: 'date' }))).toMatchObject({
      to: 'date',
      lossy: true,
    })
    expect(change(amount({ type: 'date' }), amount({ type: 'text' }))).toMatchObject({
      to: 'text',
      lossy: false,
    })
  })

  it('revalidates instead of casting when only the field type changes', () => {
    const before = withField(customers, 'email', { ...field(customers, 'email'), type: 'text' })
    expect(plan(before, customers)).toEqual([
      expect.objectContaining({
        kind: 'change_type',
        from: 'text',
        to: 'text',
        castCheck: false,
        revalidate: true,
        lossy: false,
      }),
    ])
  })

  it('refuses type changes that cannot keep the data, naming the path', () => {
    const after = withField(customers, 'store', { key: 'store', type: 'tags', label: { en: 'Store' } })
    expect(() => plan(customers, after)).toThrow(FormEngineError)
    try {
      planAppMigration(crmApp, appWith(after))
    } catch (error) {
      expect(error).toBeInstanceOf(FormEngineError)
      expect((error as FormEngineError).issues).toEqual([
        expect.objectContaining({ code: 'migration.incompatible_type', path: 'forms.1.fields.7.type' }),
      ])
    }
    expect.assertions(3)
  })

  it('archives a removed field instead of dropping it, and restores it when it comes back', () => {
    const removed = withField(customers, 'email', undefined)
    const steps = plan(customers, removed)
    expect(steps).toEqual([
      expect.objectContaining({
        id: 'customers.email:archive_column',
        kind: 'archive_column',
        column: 'email',
        to: '_archived_email_1',
        hidesData: true,
        lossy: false,
      }),
    ])
    const stored = applyArchives(crmApp, appWith(removed)).forms[1]!
    expect(field(stored, 'email')).toMatchObject({ archived: true, archivedColumn: '_archived_email_1' })
    // Nothing more to do once the tombstone is stored.
    expect(plan(stored, stored)).toEqual([])
    // The key reappears: the data comes back.
    expect(plan(stored, customers)).toEqual([
      expect.objectContaining({
        id: 'customers.email:restore_column',
        from: '_archived_email_1',
        to: 'email',
        lossy: false,
      }),
    ])
  })

  it('picks a fresh archive name when an earlier one is taken', () => {
    const steps = planMigration(customers, withField(customers, 'email', undefined), {
      ...app,
      existingColumns: ['_archived_email_1'],
    })
    expect(steps[0]).toMatchObject({ kind: 'archive_column', to: '_archived_email_2' })
  })

  it('flags a removed select option as lossy, an added one not', () => {
    const level = field(customers, 'level')
    const fewer = withField(customers, 'level', {
      ...level,
      options: level.options!.filter((option) => option.value !== 'vip'),
    })
    expect(plan(customers, fewer)).toEqual([
      expect.objectContaining({
        id: 'customers.level:change_options',
        removed: ['vip'],
        added: [],
        lossy: true,
      }),
    ])
    expect(plan(customers, fewer)[0]?.reason).toContain('"vip"')
    const more = withField(customers, 'level', {
      ...level,
      options: [...level.options!, { value: 'svip', label: { en: 'SVIP' } }],
    })
    expect(plan(customers, more)).toEqual([
      expect.objectContaining({ kind: 'change_options', added: ['svip'], lossy: false }),
    ])
  })

  it('recomputes formulas and rollups whose definition changed', () => {
    const display = field(customers, 'display_name')
    const after = withField(customers, 'display_name', { ...display, formula: { cat: [{ var: 'name' }] } })
    expect(summary(plan(customers, after))).toEqual([['customers.display_name:recompute', false]])
    const spent = field(customers, 'total_spent')
    const unfiltered = withField(customers, 'total_spent', {
      ...spent,
      rollup: { ...spent.rollup!, where: undefined },
    })
    expect(summary(plan(customers, unfiltered))).toEqual([['customers.total_spent:recompute', false]])
  })

  it('indexes a field made unique and drops the plain index it replaces', () => {
    const name = field(stores, 'city')
    const indexed = withField(stores, 'city', { ...name, indexed: true })
    const unique = withField(stores, 'city', { ...name, unique: true })
    expect(summary(planMigration(stores, indexed))).toEqual([['stores.city:add_index', false]])
    expect(
      planMigration(indexed, unique).map((step) => [step.kind, 'name' in step ? step.name : '']),
    ).toEqual([
      ['drop_index', 'stores_city_idx'],
      ['add_index', 'stores_city_key'],
    ])
  })

  it('reports non-structural changes as update_field', () => {
    const name = field(customers, 'name')
    const after = withField(customers, 'name', { ...name, required: false, maxLength: 80 })
    expect(plan(customers, after)).toEqual([
      expect.objectContaining({ kind: 'update_field', changes: ['required', 'maxLength'], lossy: false }),
    ])
  })
})

describe('planMigration: less common changes', () => {
  it('restores an archived field and converts it when its type changed meanwhile', () => {
    const tombstone: FieldDef = {
      key: 'city',
      type: 'text',
      label: { en: 'City' },
      archived: true,
      archivedColumn: '_archived_city_2',
    }
    const before = withField(stores, 'city', tombstone)
    const after = withField(stores, 'city', {
      key: 'city',
      type: 'select',
      label: { en: 'City' },
      options: [{ value: 'sh', label: { en: 'Shanghai' } }],
    })
    expect(planMigration(before, after).map((step) => [step.kind, step.lossy])).toEqual([
      ['restore_column', false],
      ['change_type', false],
    ])
    expect(planMigration(before, after)[0]).toMatchObject({ from: '_archived_city_2', to: 'city' })
  })

  it('flags turning a stored field into a computed one as lossy and recomputes it', () => {
    const after = withField(stores, 'city', {
      ...field(stores, 'city'),
      type: 'formula',
      resultType: 'text',
      formula: { cat: ['x'] },
    })
    const steps = planMigration(stores, after)
    expect(steps.map((step) => [step.kind, step.lossy])).toEqual([
      ['change_type', true],
      ['recompute', false],
    ])
    expect(steps[0]).toMatchObject({ castCheck: false })
  })

  it('recreates the foreign key when onDelete changes', () => {
    const store = field(customers, 'store')
    const after = withField(customers, 'store', {
      ...store,
      relation: { form: 'stores', onDelete: 'set_null' },
    })
    expect(plan(customers, after)).toEqual([
      expect.objectContaining({
        kind: 'change_reference',
        references: { form: 'stores', onDelete: 'set_null' },
        lossy: false,
      }),
    ])
  })

  it('archives and restores whole tables', () => {
    const archived = { ...stores, archived: true, archivedTable: '_archived_stores_1' }
    expect(planMigration(stores, undefined)).toEqual([
      expect.objectContaining({
        kind: 'archive_table',
        table: 'stores',
        to: '_archived_stores_1',
        hidesData: true,
        lossy: false,
      }),
    ])
    expect(planMigration(stores, undefined, { existingTables: ['_archived_stores_1'] })[0]).toMatchObject({
      to: '_archived_stores_2',
    })
    expect(planMigration(archived, stores)).toEqual([
      expect.objectContaining({ kind: 'restore_table', from: '_archived_stores_1', table: 'stores' }),
    ])
  })

  it('keeps archive names within PostgreSQL identifier length', () => {
    const key = `k${'x'.repeat(62)}`
    const before: FormSchema = {
      ...stores,
      fields: [...stores.fields, { key, type: 'text', label: { en: 'long' } }],
    }
    const [step] = planMigration(before, stores)
    expect(step).toMatchObject({ kind: 'archive_column' })
    if (step?.kind !== 'archive_column') return
    expect(step.to.length).toBeLessThanOrEqual(63)
    expect(step.to).toMatch(/^_archived_kx+_1$/)
  })
})

describe('planAppMigration', () => {
  it('creates every table on first publish, referenced tables first', () => {
    const reversed = { ...crmApp, forms: [...crmApp.forms].reverse() }
    const steps = planAppMigration(undefined, reversed)
    expect(steps.map((step) => step.id)).toEqual([
      'stores:create_table',
      'customers:create_table',
      'orders:create_table',
    ])
    expect(steps[1]).toMatchObject({
      kind: 'create_table',
      columns: expect.arrayContaining([expect.objectContaining({ column: 'phone' })]),
    })
  })

  it('archives a removed form and keeps steps of all forms in run order', () => {
    const next: AppDefinition = {
      ...crmApp,
      forms: crmApp.forms
        .filter((form) => form.key !== 'orders')
        .map((form) =>
          form.key === 'customers'
            ? { ...form, fields: form.fields.filter((f) => f.type !== 'rollup') }
            : {
                ...form,
                fields: [...form.fields, { key: 'phone', type: 'phone', label: { en: 'Phone' } } as FieldDef],
              },
        ),
    }
    const steps = planAppMigration(crmApp, next)
    expect(steps.map((step) => step.kind)).toEqual([
      'add_column',
      'archive_column',
      'archive_column',
      'archive_column',
      'archive_table',
    ])
    expect(steps.at(-1)).toMatchObject({
      id: 'orders:archive_table',
      to: '_archived_orders_1',
      hidesData: true,
    })
    const stored = applyArchives(crmApp, next)
    expect(stored.forms.at(-1)).toMatchObject({
      key: 'orders',
      archived: true,
      archivedTable: '_archived_orders_1',
    })
    expect(planAppMigration(stored, stored)).toEqual([])
  })

  it('refuses to plan towards an invalid app', () => {
    const broken = appWith(
      withField(customers, 'store', { ...field(customers, 'store'), relation: { form: 'shops' } }),
    )
    expect(() => planAppMigration(crmApp, broken)).toThrow(/Form "shops" does not exist/)
  })
})
