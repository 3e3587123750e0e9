import { computeFormulas, formatAutoNumber, type FieldDef } from '@trellis/form-engine'
import { sql, type RawBuilder } from 'kysely'
import type { CompiledForm, PublishedApp } from '../apps/published-app.js'
import { FormAccess } from '../auth/access.js'
import type { Viewer } from '../auth/viewer.js'
import type { DynamicDb } from '../db/dynamic.js'
import { AppError } from '../http/errors.js'
import { resolveAttachments } from './attachments.js'
import { translateDbError } from './db-errors.js'
import {
  ACTOR_OF_ROW,
  mutateManyWithJournal,
  mutateWithJournal,
  type JournalEntry,
  type JournaledRow,
} from './journal.js'
import type { VisibleRollups } from './visible-rollups.js'
import type { WriteBatcher } from './write-batcher.js'
import { rowToJson, toColumnValue, type RecordJson, type Row } from './record-json.js'
import { createdRows, initialRollupValue, refreshRollups, refreshRollupsFor } from './rollups.js'

export interface FieldErrorLike {
  path: string
  code: string
  message: string
  params?: Record<string, unknown>
}

export interface WriteContext {
  actor: string | null
  /** Undefined: the system itself (rules, template installs) with full access. */
  viewer?: Viewer
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
 * Writes to one form's typed table. Each change, its audit entry and its outbox event are one SQL
 * statement (see `mutateWithJournal`); a transaction is opened only when more must change with it
 * (rollups on parent records) or when the caller already holds one (bulk writes).
 * Concurrency is optimistic: updates carry the version they read and lose with 409 if it moved.
 */
export class RecordWriter {
  constructor(
    private readonly app: PublishedApp,
    private readonly form: CompiledForm,
    private readonly access: FormAccess = FormAccess.full(form),
    /** Group commit for concurrent creates (see WriteBatcher); none for writers inside a transaction. */
    private readonly batcher?: WriteBatcher<unknown[], JournaledRow>,
    /** Rollups this viewer sees computed over the children they may read (see VisibleRollups). */
    private readonly rollups?: VisibleRollups,
  ) {}

  /** The written record as the viewer may see it. */
  private async present(db: DynamicDb, record: RecordJson): Promise<RecordJson> {
    if (this.rollups?.active) await this.rollups.applyToRecords(db, [record])
    return this.access.present(record)
  }

  /** Validates a create body; throws VALIDATION_FAILED with every field error. */
  prepareCreate(input: unknown, prefix = ''): Record<string, unknown> {
    this.access.require('create')
    if (input && typeof input === 'object')
      this.access.checkWritable(input as Record<string, unknown>, prefix)
    const result = this.form.validate(input, { mode: 'create' })
    if (!result.ok) throw validationError(result.errors, prefix)
    return result.value as Record<string, unknown>
  }

  async create(db: DynamicDb, values: Record<string, unknown>, ctx: WriteContext): Promise<RecordJson> {
    const { columns, params } = await this.rowOf(db, values, ctx)
    const feedsRollups = this.app.rollupsFedBy(this.form.schema.key).length > 0
    if (this.batcher && !db.isTransaction && !feedsRollups) {
      const key = `${this.app.key}@${this.app.version}/${this.form.schema.key}(${columns.join(',')})`
      const row = await this.batcher.submit(
        key,
        params,
        (rows) => this.insertRows(db, columns, rows),
        async (one) => (await this.insertRows(db, columns, [one]))[0]!,
      )
      return this.present(db, row.__json)
    }
    return this.atomic(db, async (trx) => {
      const [row] = await this.insertRows(trx, columns, [params])
      await refreshRollupsFor(trx, this.app, this.form.schema.key, undefined, row)
      return this.present(trx, row!.__json)
    })
  }

  /**
   * Many prepared creates (see prepareCreate) by one actor, as one multi-row INSERT per set of columns (and per
   * `chunk` rows), with their audit entries and events in the same statement. Returns the rows in the order given.
   */
  async createMany(
    db: DynamicDb,
    values: readonly Record<string, unknown>[],
    ctx: WriteContext,
    chunk = 500,
  ): Promise<JournaledRow[]> {
    const prepared: Array<{ columns: string[]; params: unknown[] }> = []
    for (const v of values) prepared.push(await this.rowOf(db, v, ctx))
    const groups = new Map<string, number[]>()
    prepared.forEach((p, i) =>
      groups.set(p.columns.join(','), [...(groups.get(p.columns.join(',')) ?? []), i]),
    )
    const out: JournaledRow[] = new Array(values.length)
    await this.atomic(db, async (trx) => {
      for (const indexes of groups.values()) {
        for (let i = 0; i < indexes.length; i += chunk) {
          const part = indexes.slice(i, i + chunk)
          const rows = await this.insertRows(
            trx,
            prepared[part[0]!]!.columns,
            part.map((k) => prepared[k]!.params),
          )
          rows.forEach((row, k) => (out[part[k]!] = row))
        }
      }
      await refreshRollups(trx, this.app, this.form.schema.key, createdRows(out))
    })
    return out
  }

  /** A create's columns and values: generated numbers, initial rollups, formulas, row scope checked. */
  private async rowOf(db: DynamicDb, values: Record<string, unknown>, ctx: WriteContext) {
    const record: Record<string, unknown> = { ...values }
    await resolveAttachments(db, this.form, record)
    for (const field of this.form.fields.values()) {
      if (field.type === 'auto_number') {
        // Sequences are not transactional: a failed insert leaves a gap, never a duplicate.
        const { rows } = await sql<{
          n: string
        }>`select nextval(${this.sequenceName(field)}::regclass) as n`.execute(db)
        record[field.key] = formatAutoNumber(field, Number(rows[0]!.n))
      } else if (field.type === 'rollup') {
        record[field.key] = initialRollupValue(field)
      }
    }
    Object.assign(record, computeFormulas(this.form.schema, record))
    this.assertInScope(record, '')
    const columns: string[] = ['created_by', 'updated_by']
    const params: unknown[] = [ctx.actor, ctx.actor]
    for (const [key, value] of Object.entries(record)) {
      const spec = this.form.columns.get(key)
      if (!spec || spec.system) continue
      columns.push(spec.column)
      params.push(toColumnValue(value, spec.sqlType))
    }
    return { columns, params }
  }

  /** One INSERT of `rows` (each a list of `columns` values) with their audit entries and events, in order. */
  private async insertRows(db: DynamicDb, columns: string[], rows: unknown[][]) {
    const insert = sql`insert into ${table(this.app, this.form)} (${sql.join(columns.map((c) => sql.ref(c)))})
      values ${sql.join(rows.map((params) => sql`(${sql.join(params)})`))} returning *`
    const created = await this.journaled(db, insert, {
      action: 'create',
      topic: 'record.created',
      before: null,
      actor: ACTOR_OF_ROW,
    })
    // Identity values are drawn in VALUES order, so ascending ids line up with the rows given.
    return created.sort((a, b) => compareIds(String(a.id), String(b.id)))
  }

  /** Reads a record the viewer may see, live or (for restore) in the trash, or throws 404. */
  async read(db: DynamicDb, id: string, options: { deleted?: boolean } = {}): Promise<Row> {
    assertId(id)
    const { rows } = await sql<Row>`select * from ${table(this.app, this.form)} where id = ${id}
      and deleted_at is ${options.deleted ? sql`not null` : sql`null`} and ${this.access.scopeSql()}`.execute(
      db,
    )
    if (!rows[0]) {
      throw new AppError(
        404,
        'RECORD_NOT_FOUND',
        `No ${options.deleted ? 'deleted ' : ''}record ${id} in ${this.form.schema.key}`,
      )
    }
    return rows[0]
  }

  /** Live records the viewer may see among `ids` (ill-formed ids and missing records are left out). */
  async readMany(db: DynamicDb, ids: readonly string[]): Promise<Map<string, Row>> {
    const valid = ids.filter((id) => /^[1-9][0-9]{0,18}$/.test(id))
    const found = new Map<string, Row>()
    if (!valid.length) return found
    const { rows } = await sql<Row>`select * from ${table(this.app, this.form)}
      where id = any(cast(${valid} as bigint[])) and deleted_at is null and ${this.access.scopeSql()}`.execute(
      db,
    )
    for (const row of rows) found.set(String(row.id), row)
    return found
  }

  /**
   * Partial update guarded by `version`: validated against the version read, written only if the row
   * still has it, so of two writers holding the same version exactly one wins and the other gets 409.
   */
  async update(
    db: DynamicDb,
    id: string,
    version: number,
    input: unknown,
    ctx: WriteContext,
    prefix = '',
  ): Promise<RecordJson> {
    this.access.require('update')
    if (input && typeof input === 'object')
      this.access.checkWritable(input as Record<string, unknown>, prefix)
    const current = await this.read(db, id)
    if (Number(current.version) !== version) throw staleVersion(id, version, Number(current.version))
    const { sets, changed, before } = await this.prepareUpdate(db, current, input, prefix)
    const update = sql`update ${table(this.app, this.form)} set ${sql.join([
      sql`version = version + 1`,
      sql`updated_at = now()`,
      sql`updated_by = ${ctx.actor}`,
      ...[...sets].map(([column, value]) => sql`${sql.ref(column)} = ${value}`),
    ])}
      where id = ${id} and version = ${version} and deleted_at is null returning *`
    return this.atomic(db, async (trx) => {
      const [row] = await this.journaled(trx, update, {
        action: 'update',
        topic: 'record.updated',
        before,
        payload: { changed },
        actor: ctx.actor,
      })
      if (!row) throw staleVersion(id, version)
      await refreshRollupsFor(trx, this.app, this.form.schema.key, current, row)
      return this.present(trx, row.__json)
    })
  }

  /**
   * Checks a partial update of `current` (a row read in this transaction) as `update` does: access,
   * validation against the record, attachments, formulas, row scope. Returns the column values to set,
   * the fields that change and the record before.
   */
  async prepareUpdate(db: DynamicDb, current: Row, input: unknown, prefix = ''): Promise<PreparedUpdate> {
    this.access.require('update')
    if (input && typeof input === 'object')
      this.access.checkWritable(input as Record<string, unknown>, prefix)
    const before = rowToJson(current, this.form)
    const result = this.form.validate(input, { mode: 'update', existing: before })
    if (!result.ok) throw validationError(result.errors, prefix)
    const changes = result.value as Record<string, unknown>
    await resolveAttachments(db, this.form, changes, prefix)
    Object.assign(changes, computeFormulas(this.form.schema, { ...before, ...changes }))
    this.assertInScope({ ...before, ...changes }, prefix)
    const sets = new Map<string, unknown>()
    const changed: string[] = []
    for (const [key, value] of Object.entries(changes)) {
      const spec = this.form.columns.get(key)
      const field = this.form.fields.get(key)
      if (!spec || spec.system || (field && isComputed(field) && field.type !== 'formula')) continue
      sets.set(spec.column, toColumnValue(value, spec.sqlType))
      if (JSON.stringify(value ?? null) !== JSON.stringify(before[key] ?? null)) changed.push(key)
    }
    return { id: String(current.id), version: Number(current.version), current, sets, changed, before }
  }

  /**
   * Many prepared updates (of different records) by one actor, as one UPDATE … FROM (VALUES …) per set
   * of columns, with their audit entries and events in the same statement (`cause` per event, for the
   * rule loop guard). Each is guarded by its version like `update`: one lost race fails them all (409).
   * Returns the rows written, in the order given.
   */
  async updateMany(
    db: DynamicDb,
    updates: readonly PreparedUpdate[],
    ctx: WriteContext,
    causes?: readonly unknown[],
  ): Promise<JournaledRow[]> {
    const groups = new Map<string, number[]>()
    updates.forEach((u, i) => {
      const key = [...u.sets.keys()].join(',')
      groups.set(key, [...(groups.get(key) ?? []), i])
    })
    const written = new Map<string, JournaledRow>()
    for (const indexes of groups.values()) {
      const columns = [...updates[indexes[0]!]!.sets.keys()]
      const types = columns.map((column) => sqlTypeOf(this.form, column))
      const values = indexes.map((i) => {
        const u = updates[i]!
        const cells = columns.map((column, c) => sql`cast(${u.sets.get(column)} as ${types[c]!})`)
        return sql`(${sql.join([sql`cast(${u.id} as bigint)`, sql`cast(${u.version} as integer)`, ...cells])})`
      })
      const names = [sql.ref('id'), sql.ref('version'), ...columns.map((_, c) => sql.ref(`v${c}`))]
      const update = sql`update ${table(this.app, this.form)} as t set ${sql.join([
        sql`version = t.version + 1`,
        sql`updated_at = now()`,
        sql`updated_by = ${ctx.actor}`,
        ...columns.map((column, c) => sql`${sql.ref(column)} = v.${sql.ref(`v${c}`)}`),
      ])}
        from (values ${sql.join(values)}) as v(${sql.join(names)})
        where t.id = v.id and t.version = v.version and t.deleted_at is null returning t.*`
      let rows: JournaledRow[]
      try {
        rows = await mutateManyWithJournal(db, update, {
          app: this.app.key,
          form: this.form,
          actor: ctx.actor,
          rows: indexes.map((i) => ({
            id: updates[i]!.id,
            before: updates[i]!.before,
            payload: { changed: updates[i]!.changed },
            cause: causes?.[i] ?? null,
          })),
        })
      } catch (error) {
        throw translateDbError(error, this.form, this.app)
      }
      for (const row of rows) written.set(String(row.id), row)
    }
    const out: JournaledRow[] = []
    for (const u of updates) {
      const row = written.get(u.id)
      if (!row) throw staleVersion(u.id, u.version)
      out.push(row)
    }
    await refreshRollups(
      db,
      this.app,
      this.form.schema.key,
      updates.map((u, i) => ({ before: u.current, after: out[i] })),
    )
    return out
  }

  /** Soft delete: the row stays (restorable, still referenced), hidden from lists and rollups. */
  async remove(
    db: DynamicDb,
    id: string,
    version: number | undefined,
    ctx: WriteContext,
  ): Promise<RecordJson> {
    this.access.require('delete')
    const current = await this.read(db, id)
    if (version !== undefined && Number(current.version) !== version) {
      throw staleVersion(id, version, Number(current.version))
    }
    const update = sql`update ${table(this.app, this.form)}
      set deleted_at = now(), version = version + 1, updated_at = now(), updated_by = ${ctx.actor}
      where id = ${id} and version = ${current.version as number} and deleted_at is null returning *`
    const before = rowToJson(current, this.form)
    return this.atomic(db, async (trx) => {
      const [row] = await this.journaled(trx, update, {
        action: 'delete',
        topic: 'record.deleted',
        before,
        actor: ctx.actor,
      })
      if (!row) throw staleVersion(id, Number(current.version))
      await refreshRollupsFor(trx, this.app, this.form.schema.key, current, undefined)
      return this.present(trx, row.__json)
    })
  }

  async restore(db: DynamicDb, id: string, ctx: WriteContext): Promise<RecordJson> {
    this.access.require('delete')
    const current = await this.read(db, id, { deleted: true })
    const update = sql`update ${table(this.app, this.form)}
      set deleted_at = null, version = version + 1, updated_at = now(), updated_by = ${ctx.actor}
      where id = ${id} and version = ${current.version as number} and deleted_at is not null returning *`
    return this.atomic(db, async (trx) => {
      const [row] = await this.journaled(trx, update, {
        action: 'restore',
        topic: 'record.restored',
        before: null,
        actor: ctx.actor,
      })
      if (!row) throw staleVersion(id, Number(current.version))
      await refreshRollupsFor(trx, this.app, this.form.schema.key, undefined, row)
      return this.present(trx, row.__json)
    })
  }

  /** A write may not move a record outside the writer's row scope (or create one there). */
  private assertInScope(record: Record<string, unknown>, prefix: string): void {
    if (!this.access.inScope(record)) {
      throw new AppError(
        403,
        'OUT_OF_SCOPE',
        'This record would be outside the records you may access',
        prefix ? prefix.replace(/\.$/, '') : undefined,
      )
    }
  }

  sequenceName(field: FieldDef): string {
    return `${this.app.schema}.${autoNumberSequence(this.form.plan.table, field.key)}`
  }

  /** A transaction only when rollups on other forms change with this record, or one is already open. */
  private atomic<T>(db: DynamicDb, work: (db: DynamicDb) => Promise<T>): Promise<T> {
    if (db.isTransaction || this.app.rollupsFedBy(this.form.schema.key).length === 0) return work(db)
    return db.transaction().execute(work)
  }

  private async journaled(
    db: DynamicDb,
    mutation: RawBuilder<unknown>,
    entry: Pick<JournalEntry, 'action' | 'topic' | 'before' | 'payload' | 'actor'>,
  ) {
    try {
      return await mutateWithJournal(db, mutation, {
        ...entry,
        app: this.app.key,
        form: this.form,
      })
    } catch (error) {
      throw translateDbError(error, this.form, this.app)
    }
  }
}

/** Sequence behind an auto-number field; the name is derived from validated keys only. */
export function autoNumberSequence(table: string, column: string): string {
  return `${table}__${column}__seq`.slice(0, 63)
}

/** Orders bigint ids given as decimal strings without converting them to (lossy) numbers. */
function compareIds(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0)
}

/** A checked partial update (see RecordWriter.prepareUpdate): column → value, changed fields, before. */
export interface PreparedUpdate {
  id: string
  version: number
  current: Row
  sets: Map<string, unknown>
  changed: string[]
  before: RecordJson
}

const columnTypePattern =
  /^(text|bigint|integer|boolean|date|timestamptz|double precision|jsonb|text\[\]|numeric(\(\d{1,2}, ?\d{1,2}\))?)$/

/** A column's SQL type for a cast in VALUES (from the form's compiled columns; checked like DDL types). */
function sqlTypeOf(form: CompiledForm, column: string): RawBuilder<unknown> {
  for (const spec of form.columns.values()) {
    if (spec.column !== column) continue
    if (!columnTypePattern.test(spec.sqlType)) throw new Error(`unexpected column type ${spec.sqlType}`)
    return sql.raw(spec.sqlType)
  }
  throw new Error(`unknown column ${column}`)
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
