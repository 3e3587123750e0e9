import {
  compileFormValidator,
  computeFormulas,
  formatAutoNumber,
  indexName,
  planColumns,
  type AppDefinition,
  type ColumnSpec,
  type MigrationStep,
} from '@trellis/form-engine'
import { sql, type RawBuilder } from 'kysely'
import type { DynamicDb } from '../db/dynamic.js'
import { AppError } from '../http/errors.js'
import { autoNumberSequence } from '../records/record-store.js'
import { recomputeRollup } from '../records/rollups.js'
import { PublishedApp } from './published-app.js'
import { createSummaries, dropStaleSummaries } from './sync-summaries.js'

// Column types come from the form engine's registry; checked again here because they are the one part
// of DDL that cannot be quoted as an identifier or bound as a parameter.
const sqlTypePattern =
  /^(text|bigint|integer|boolean|date|timestamptz|double precision|jsonb|text\[\]|numeric(\(\d{1,2}, ?\d{1,2}\))?)$/

function sqlType(type: string): RawBuilder<unknown> {
  if (!sqlTypePattern.test(type)) throw new Error(`refusing unexpected column type ${JSON.stringify(type)}`)
  return sql.raw(type)
}

const fkName = (table: string, column: string) => `${table}_${column}_fkey`.slice(0, 63)

/**
 * Carries out a migration plan inside the caller's transaction: DDL, cast checks, index and
 * constraint changes, then recomputation of derived values. Any failure throws and the whole
 * publish (DDL included: PostgreSQL DDL is transactional) rolls back.
 */
export async function applyMigration(
  trx: DynamicDb,
  schema: string,
  steps: readonly MigrationStep[],
  _previous: AppDefinition | undefined,
  next: AppDefinition,
): Promise<void> {
  const t = (table: string) => sql.table(`${schema}.${table}`)
  const indexOn = async (table: string, spec: ColumnSpec) => {
    if (!spec.indexed || !spec.indexName || spec.primaryKey) return
    // Soft-deleted rows do not hold on to unique values: a customer in the trash frees its phone number.
    const statement = spec.unique
      ? sql`create unique index if not exists ${sql.id(spec.indexName)} on ${t(table)} (${sql.ref(spec.column)}) where deleted_at is null`
      : sql`create index if not exists ${sql.id(spec.indexName)} on ${t(table)} (${sql.ref(spec.column)})`
    try {
      await statement.execute(trx)
    } catch (error) {
      if ((error as { code?: string }).code === '23505') {
        throw new AppError(
          409,
          'UNIQUE_INDEX_FAILED',
          `Existing records of ${table} share values of ${spec.field}, so it cannot be made unique`,
          `forms.${table}.fields.${spec.field}`,
        )
      }
      throw error
    }
  }
  const sequenceFor = async (table: string, spec: ColumnSpec, type: string | undefined) => {
    if (type === 'auto_number')
      await sql`create sequence if not exists ${t(autoNumberSequence(table, spec.column))}`.execute(trx)
  }
  const fieldType = (form: string, field: string) =>
    next.forms.find((f) => f.key === form)?.fields.find((f) => f.key === field)?.type
  const foreignKeys: Array<{ table: string; spec: ColumnSpec }> = []

  await sql`create schema if not exists ${sql.id(schema)}`.execute(trx)
  // Summaries whose layout changes go first: their triggers read the columns the steps may change.
  await dropStaleSummaries(trx, schema, next)

  for (const step of steps) {
    switch (step.kind) {
      case 'create_table': {
        const columns = step.columns.map((spec) => {
          const parts: RawBuilder<unknown>[] = [sql`${sql.ref(spec.column)} ${sqlType(spec.sqlType)}`]
          if (spec.identity) parts.push(sql`generated always as identity`)
          if (spec.primaryKey) parts.push(sql`primary key`)
          if (spec.notNull) parts.push(sql`not null`)
          if (spec.sqlDefault === 'now()') parts.push(sql`default now()`)
          if (spec.sqlDefault === '1') parts.push(sql`default 1`)
          return sql.join(parts, sql` `)
        })
        await sql`create table ${t(step.table)} (${sql.join(columns)})`.execute(trx)
        for (const spec of step.columns) {
          await indexOn(step.table, spec)
          await sequenceFor(step.table, spec, fieldType(step.form, spec.field))
          if (spec.references) foreignKeys.push({ table: step.table, spec })
        }
        break
      }
      case 'add_column': {
        await sql`alter table ${t(step.table)} add column ${sql.ref(step.column.column)} ${sqlType(step.column.sqlType)}`.execute(
          trx,
        )
        await sequenceFor(step.table, step.column, fieldType(step.form, step.field))
        if (step.column.references) foreignKeys.push({ table: step.table, spec: step.column })
        break
      }
      case 'add_index': {
        const spec = planColumns(
          next.forms.find((f) => f.key === step.form)!,
          { app: next },
        ).columns.find((c) => c.field === step.field)!
        await indexOn(step.table, { ...spec, indexName: step.name, unique: step.unique, indexed: true })
        break
      }
      case 'drop_index':
        await sql`drop index if exists ${sql.table(`${schema}.${step.name}`)}`.execute(trx)
        break
      case 'change_type': {
        if (step.from === step.to) break
        const using = step.discardValues ? sql`null` : sql`${sql.ref(step.column)}::${sqlType(step.to)}`
        try {
          await sql`alter table ${t(step.table)} alter column ${sql.ref(step.column)} type ${sqlType(step.to)} using ${using}`.execute(
            trx,
          )
        } catch (error) {
          const pg = error as { code?: string; message?: string }
          // 22xxx: data exceptions (a value that does not parse or does not fit).
          if (pg.code?.startsWith('22')) {
            throw new AppError(
              409,
              'CAST_FAILED',
              `Cannot change ${step.form}.${step.field} from ${step.fromType} to ${step.toType}: ${pg.message}. Fix or clear those values first.`,
              `forms.${step.form}.fields.${step.field}`,
            )
          }
          throw error
        }
        break
      }
      case 'change_reference': {
        await sql`alter table ${t(step.table)} drop constraint if exists ${sql.id(fkName(step.table, step.column))}`.execute(
          trx,
        )
        const spec = { field: step.field, column: step.column, references: step.references } as ColumnSpec
        foreignKeys.push({ table: step.table, spec })
        break
      }
      case 'archive_column':
        await sql`alter table ${t(step.table)} rename column ${sql.ref(step.column)} to ${sql.ref(step.to)}`.execute(
          trx,
        )
        // An archived value must not keep blocking live ones: drop its index (restore recreates it).
        for (const unique of [true, false]) {
          await sql`drop index if exists ${sql.table(`${schema}.${indexName(step.table, step.field, unique)}`)}`.execute(
            trx,
          )
        }
        break
      case 'restore_column': {
        await sql`alter table ${t(step.table)} rename column ${sql.ref(step.from)} to ${sql.ref(step.to)}`.execute(
          trx,
        )
        const spec = planColumns(
          next.forms.find((f) => f.key === step.form)!,
          { app: next },
        ).columns.find((c) => c.field === step.field)
        if (spec) await indexOn(step.table, spec)
        break
      }
      case 'archive_table':
        await sql`alter table ${t(step.table)} rename to ${sql.id(step.to)}`.execute(trx)
        break
      case 'restore_table':
        await sql`alter table ${t(step.from)} rename to ${sql.id(step.table)}`.execute(trx)
        break
      case 'rename_label':
      case 'change_options':
      case 'update_field':
      case 'recompute':
        break
      default: {
        const unknown: never = step
        throw new Error(`unknown migration step ${JSON.stringify(unknown)}`)
      }
    }
  }

  // Foreign keys last: forms may point at each other, and every table now exists.
  for (const { table, spec } of foreignKeys) {
    const onDelete = spec.references!.onDelete === 'set_null' ? sql`set null` : sql`restrict`
    await sql`alter table ${t(table)} add constraint ${sql.id(fkName(table, spec.column))}
      foreign key (${sql.ref(spec.column)}) references ${t(spec.references!.form)} (id) on delete ${onDelete}`.execute(
      trx,
    )
  }

  await recompute(trx, schema, steps, next)
  await createSummaries(trx, schema, next)
}

/** Derived values after the structure is in place: formulas, rollups, auto numbers, revalidation. */
async function recompute(
  trx: DynamicDb,
  schema: string,
  steps: readonly MigrationStep[],
  next: AppDefinition,
) {
  const needed = steps.filter(
    (s) => s.kind === 'recompute' || (s.kind === 'change_type' && (s.revalidate || s.discardValues)),
  )
  if (!needed.length) return
  const app = new PublishedApp(next, 0)
  for (const step of needed) {
    if (step.kind !== 'recompute' && step.kind !== 'change_type') continue
    const form = app.form(step.form)
    const field = form.fields.get(step.field)
    if (!field) continue
    const table = sql.table(`${schema}.${form.plan.table}`)
    const column = form.columns.get(field.key)!.column
    if (field.type === 'rollup') {
      await recomputeRollup(trx, app, { parent: form, field })
    } else if (field.type === 'formula') {
      for await (const rows of batches(trx, table)) {
        for (const row of rows) {
          const values = computeFormulas(form.schema, row)
          await sql`update ${table} set ${sql.ref(column)} = ${values[field.key] ?? null} where id = ${row.id}`.execute(
            trx,
          )
        }
      }
    } else if (field.type === 'auto_number') {
      const sequence = `${schema}.${autoNumberSequence(form.plan.table, column)}`
      for await (const rows of batches(trx, table)) {
        for (const row of rows) {
          if (row[column] !== null && row[column] !== undefined) continue
          const { rows: n } = await sql<{ n: string }>`select nextval(${sequence}::regclass) as n`.execute(
            trx,
          )
          await sql`update ${table} set ${sql.ref(column)} = ${formatAutoNumber(field, Number(n[0]!.n))} where id = ${row.id}`.execute(
            trx,
          )
        }
      }
    } else if (step.kind === 'change_type' && step.revalidate) {
      await revalidate(trx, table, form.plan.form, field.key, column, compileFormValidator(form.schema))
    }
  }
}

/** Same column, stricter type (text → phone): every stored value must pass, and is normalized. */
async function revalidate(
  trx: DynamicDb,
  table: RawBuilder<unknown>,
  formKey: string,
  fieldKey: string,
  column: string,
  validate: ReturnType<typeof compileFormValidator>,
) {
  const failures: string[] = []
  for await (const rows of batches(trx, table)) {
    for (const row of rows) {
      const value = row[column]
      if (value === null || value === undefined || value === '') continue
      const result = validate({ [fieldKey]: value }, { mode: 'update', existing: {} })
      if (!result.ok) failures.push(`#${row.id} ${JSON.stringify(value)}`)
      else if (JSON.stringify(result.value[fieldKey]) !== JSON.stringify(value)) {
        await sql`update ${table} set ${sql.ref(column)} = ${result.value[fieldKey] as never} where id = ${row.id}`.execute(
          trx,
        )
      }
    }
  }
  if (failures.length) {
    throw new AppError(
      409,
      'REVALIDATE_FAILED',
      `${failures.length} record(s) hold values that are not valid for the new type of ${formKey}.${fieldKey}: ${failures.slice(0, 5).join(', ')}${failures.length > 5 ? '…' : ''}`,
      `forms.${formKey}.fields.${fieldKey}`,
    )
  }
}

/** Keyset batches over a whole table, so recomputing 1,000,000 rows never loads them at once. */
async function* batches(trx: DynamicDb, table: RawBuilder<unknown>, size = 1000) {
  let last = '0'
  for (;;) {
    const { rows } = await sql<
      Record<string, unknown>
    >`select * from ${table} where id > ${last} order by id limit ${size}`.execute(trx)
    if (!rows.length) return
    yield rows
    last = String(rows.at(-1)!.id)
  }
}
