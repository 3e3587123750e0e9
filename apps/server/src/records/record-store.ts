import { computeFormulas, formatAutoNumber, type FieldDef } from '@trellis/form-engine'
import { sql } from 'kysely'
import type { CompiledForm, PublishedApp } from '../apps/published-app.js'
import type { DynamicDb } from '../db/dynamic.js'
import { AppError } from '../http/errors.js'
import { resolveAttachments } from './attachments.js'
import { translateDbError } from './db-errors.js'
import { emitEvent, writeAudit } from './journal.js'
import { rowToJson, toColumnValue, type RecordJson, type Row } from './record-json.js'
import { initialRollupValue, refreshRollupsFor } from './rollups.js'

export interface FieldErrorLike {
  path: string
  code: string
  message: string
  params?: Record<string, unknown>
}

export interface WriteContext {
  actor: string | null
}

export function validationError(errors: readonly FieldErrorLike[], prefix = ''): AppError {
  const first = errors[0]
  return new AppError(
    400,
    'VALIDATION_FAILED',
    first ? `${prefix}${first.path}: ${first.message}` : 'Invalid record',
    first ? `${prefix}${first.path}` : undefined,
    errors.map((e) => ({ ...e, path: `${prefix}${e.path}` })),
  )
}

const table = (app: PublishedApp, form: CompiledForm) => sql.table(`${app.schema}.${form.plan.table}`)

/** Fields whose value the server computes; clients may not write them. */
const isComputed = (field: FieldDef) =>
  field.type === 'formula' || field.type === 'rollup' || field.type === 'auto_number'

/**
 * Writes to one form's typed table. Every write runs in the caller's transaction and, in that same
 * transaction, maintains formulas and rollups and writes the audit entry and the outbox event.
 */
export class RecordWriter {
  constructor(
    private readonly app: PublishedApp,
    private readonly form: CompiledForm,
  ) {}

  /** Validates a create body; throws VALIDATION_FAILED with every field error. */
  prepareCreate(input: unknown, prefix = ''): Record<string, unknown> {
    const result = this.form.validate(input, { mode: 'create' })
    if (!result.ok) throw validationError(result.errors, prefix)
    return result.value as Record<string, unknown>
  }

  async create(trx: DynamicDb, values: Record<string, unknown>, ctx: WriteContext): Promise<RecordJson> {
    const record: Record<string, unknown> = { ...values }
    await resolveAttachments(trx, this.form, record)
    for (const field of this.form.fields.values()) {
      if (field.type === 'auto_number') {
        const { rows } = await sql<{
          n: string
        }>`select nextval(${this.sequenceName(field)}::regclass) as n`.execute(trx)
        record[field.key] = formatAutoNumber(field, Number(rows[0]!.n))
      } else if (field.type === 'rollup') {
        record[field.key] = initialRollupValue(field)
      }
    }
    Object.assign(record, computeFormulas(this.form.schema, record))
    const columns: string[] = ['created_by', 'updated_by']
    const params: unknown[] = [ctx.actor, ctx.actor]
    for (const [key, value] of Object.entries(record)) {
      const spec = this.form.columns.get(key)
      if (!spec || spec.system) continue
      columns.push(spec.column)
      params.push(toColumnValue(value, spec.sqlType))
    }
    let row: Row
    try {
      const result =
        await sql<Row>`insert into ${table(this.app, this.form)} (${sql.join(columns.map((c) => sql.ref(c)))})
        values (${sql.join(params)}) returning *`.execute(trx)
      row = result.rows[0]!
    } catch (error) {
      throw translateDbError(error, this.form)
    }
    await refreshRollupsFor(trx, this.app, this.form.schema.key, undefined, row)
    const after = rowToJson(row, this.form)
    await writeAudit(trx, { ...this.target(after.id, ctx), action: 'create', before: null, after })
    await emitEvent(trx, 'record.created', {
      app: this.app.key,
      form: this.form.schema.key,
      id: after.id,
      after,
    })
    return after
  }

  /** Locks and reads a live record, or throws 404. */
  async lock(trx: DynamicDb, id: string, options: { deleted?: boolean } = {}): Promise<Row> {
    assertId(id)
    const { rows } = await sql<Row>`select * from ${table(this.app, this.form)} where id = ${id}
      and deleted_at is ${options.deleted ? sql`not null` : sql`null`} for update`.execute(trx)
    if (!rows[0]) {
      throw new AppError(
        404,
        'RECORD_NOT_FOUND',
        `No ${options.deleted ? 'deleted ' : ''}record ${id} in ${this.form.schema.key}`,
      )
    }
    return rows[0]
  }

  /**
   * Partial update guarded by `version`: the row is locked, the version compared, and the update
   * itself re-checks it, so of two writers holding the same version exactly one wins.
   */
  async update(
    trx: DynamicDb,
    id: string,
    version: number,
    input: unknown,
    ctx: WriteContext,
    prefix = '',
  ): Promise<RecordJson> {
    const current = await this.lock(trx, id)
    if (Number(current.version) !== version) throw staleVersion(id, version, Number(current.version))
    const before = rowToJson(current, this.form)
    const result = this.form.validate(input, { mode: 'update', existing: before })
    if (!result.ok) throw validationError(result.errors, prefix)
    const changes = result.value as Record<string, unknown>
    await resolveAttachments(trx, this.form, changes, prefix)
    const merged: Record<string, unknown> = { ...before, ...changes }
    const formulas = computeFormulas(this.form.schema, merged)
    Object.assign(changes, formulas)
    const sets = [sql`version = version + 1`, sql`updated_at = now()`, sql`updated_by = ${ctx.actor}`]
    for (const [key, value] of Object.entries(changes)) {
      const spec = this.form.columns.get(key)
      if (!spec || spec.system) continue
      const field = this.form.fields.get(key)
      if (field && isComputed(field) && field.type !== 'formula') continue
      sets.push(sql`${sql.ref(spec.column)} = ${toColumnValue(value, spec.sqlType)}`)
    }
    let row: Row | undefined
    try {
      const updated = await sql<Row>`update ${table(this.app, this.form)} set ${sql.join(sets)}
        where id = ${id} and version = ${version} and deleted_at is null returning *`.execute(trx)
      row = updated.rows[0]
    } catch (error) {
      throw translateDbError(error, this.form)
    }
    if (!row) throw staleVersion(id, version)
    await refreshRollupsFor(trx, this.app, this.form.schema.key, current, row)
    const after = rowToJson(row, this.form)
    const changed = Object.keys(after).filter(
      (key) =>
        !['version', 'updated_at'].includes(key) &&
        JSON.stringify(after[key]) !== JSON.stringify(before[key]),
    )
    await writeAudit(trx, { ...this.target(id, ctx), action: 'update', before, after })
    await emitEvent(trx, 'record.updated', {
      app: this.app.key,
      form: this.form.schema.key,
      id,
      changed,
      before,
      after,
    })
    return after
  }

  /** Soft delete: the row stays (restorable, still referenced), hidden from lists and rollups. */
  async remove(
    trx: DynamicDb,
    id: string,
    version: number | undefined,
    ctx: WriteContext,
  ): Promise<RecordJson> {
    const current = await this.lock(trx, id)
    if (version !== undefined && Number(current.version) !== version) {
      throw staleVersion(id, version, Number(current.version))
    }
    const { rows } = await sql<Row>`update ${table(this.app, this.form)}
      set deleted_at = now(), version = version + 1, updated_at = now(), updated_by = ${ctx.actor}
      where id = ${id} returning *`.execute(trx)
    const row = rows[0]!
    await refreshRollupsFor(trx, this.app, this.form.schema.key, current, undefined)
    const before = rowToJson(current, this.form)
    await writeAudit(trx, { ...this.target(id, ctx), action: 'delete', before, after: null })
    await emitEvent(trx, 'record.deleted', { app: this.app.key, form: this.form.schema.key, id, before })
    return rowToJson(row, this.form)
  }

  async restore(trx: DynamicDb, id: string, ctx: WriteContext): Promise<RecordJson> {
    await this.lock(trx, id, { deleted: true })
    let row: Row
    try {
      const { rows } = await sql<Row>`update ${table(this.app, this.form)}
        set deleted_at = null, version = version + 1, updated_at = now(), updated_by = ${ctx.actor}
        where id = ${id} returning *`.execute(trx)
      row = rows[0]!
    } catch (error) {
      throw translateDbError(error, this.form)
    }
    await refreshRollupsFor(trx, this.app, this.form.schema.key, undefined, row)
    const after = rowToJson(row, this.form)
    await writeAudit(trx, { ...this.target(id, ctx), action: 'restore', before: null, after })
    await emitEvent(trx, 'record.restored', { app: this.app.key, form: this.form.schema.key, id, after })
    return after
  }

  sequenceName(field: FieldDef): string {
    return `${this.app.schema}.${autoNumberSequence(this.form.plan.table, field.key)}`
  }

  private target(recordId: string, ctx: WriteContext) {
    return { actor: ctx.actor, app: this.app.key, form: this.form.schema.key, recordId }
  }
}

/** Sequence behind an auto-number field; the name is derived from validated keys only. */
export function autoNumberSequence(table: string, column: string): string {
  return `${table}__${column}__seq`.slice(0, 63)
}

export function assertId(id: string): void {
  if (!/^[1-9][0-9]{0,18}$/.test(id)) throw new AppError(404, 'RECORD_NOT_FOUND', `No record ${id}`)
}

function staleVersion(id: string, expected: number, actual?: number): AppError {
  return new AppError(
    409,
    'VERSION_CONFLICT',
    `Record ${id} was changed by someone else (you had version ${expected}${actual ? `, it is now ${actual}` : ''}); reload and try again`,
    'version',
    actual ? { currentVersion: actual } : undefined,
  )
}
