import { ConditionError, conditionToSql, type JsonLogic } from '@trellis/rule-engine'
import { sql, type RawBuilder } from 'kysely'
import type { CompiledForm, PublishedApp } from '../apps/published-app.js'
import type { DynamicDb } from '../db/dynamic.js'
import { FormAccess } from '../auth/access.js'
import { AppError } from '../http/errors.js'
import { decodeCursor, encodeCursor, type Cursor } from './cursor.js'
import { rowToJson, type RecordJson, type Row } from './record-json.js'
import { maskedLookups, spendMaskedLookup } from './masked-lookup.js'
import { assertId } from './record-store.js'
import { VisibleRollups } from './visible-rollups.js'

export interface ListOptions {
  filter?: JsonLogic
  /** A field key, `-key` for descending. Default: `id`. */
  sort?: string
  limit?: number
  cursor?: string
  fields?: string[]
  /** Relation fields whose target records are embedded under `expand`. */
  expand?: string[]
  /** List the trash (soft-deleted records) instead of live ones. */
  deleted?: boolean
  count?: boolean
}

export interface ListResult {
  records: RecordJson[]
  nextCursor: string | null
  count?: number
}

export const maxPageSize = 500

const unsortable = (sqlType: string) => sqlType.endsWith('[]') || sqlType === 'jsonb' || sqlType === 'json'

/** Reads from one form's typed table: filters compile through `conditionToSql`, values are parameters. */
export class RecordReader {
  private readonly access: FormAccess
  private readonly rollups: VisibleRollups

  constructor(
    private readonly app: PublishedApp,
    private readonly form: CompiledForm,
    private readonly accessOf: (form: CompiledForm) => FormAccess = (f) => FormAccess.full(f),
  ) {
    this.access = accessOf(form)
    this.rollups = new VisibleRollups(app, form, accessOf)
  }

  private get table() {
    return sql.table(`${this.app.schema}.${this.form.plan.table}`)
  }

  async get(
    db: DynamicDb,
    id: string,
    options: Pick<ListOptions, 'fields' | 'expand'> = {},
  ): Promise<RecordJson> {
    assertId(id)
    this.access.require('read')
    const only = this.selection(options.fields)
    const { rows } = await sql<Row>`select * from ${this.table}
      where id = ${id} and deleted_at is null and ${this.access.scopeSql()}`.execute(db)
    // Outside the viewer's scope is indistinguishable from absent: ids reveal nothing.
    if (!rows[0]) throw new AppError(404, 'RECORD_NOT_FOUND', `No record ${id} in ${this.form.schema.key}`)
    await this.rollups.apply(db, rows)
    const [record] = await this.expand(
      db,
      [this.access.present(rowToJson(rows[0], this.form, only))],
      options.expand,
    )
    return record!
  }

  /**
   * Several records by id as `get` reads each (scope, read permission, hidden fields, masking), in one
   * statement; ids outside the scope or absent are left out of the map.
   */
  async getMany(db: DynamicDb, ids: readonly string[]): Promise<Map<string, RecordJson>> {
    for (const id of ids) assertId(id)
    this.access.require('read')
    const { rows } = await sql<Row>`select * from ${this.table}
      where id = any(${ids}::bigint[]) and deleted_at is null and ${this.access.scopeSql()}`.execute(db)
    await this.rollups.apply(db, rows)
    return new Map(rows.map((row) => [String(row.id), this.access.present(rowToJson(row, this.form))]))
  }

  /** `largestPage` is for the server's own readers (exports); API requests keep `maxPageSize`. */
  async list(db: DynamicDb, options: ListOptions, largestPage = maxPageSize): Promise<ListResult> {
    this.access.require('read')
    const limit = Math.min(Math.max(options.limit ?? 50, 1), largestPage)
    const where = this.where(options)
    const { column, descending, field } = this.sortColumn(options.sort)
    const ref = sql.ref(column)
    const direction = descending ? sql`desc` : sql`asc`
    const conditions = [where]
    if (options.cursor) conditions.push(this.after(decodeCursor(options.cursor), ref, field, descending))
    // PostgreSQL's default null placement (empty values sort as the largest: last ascending, first
    // descending) lets a plain index on the sort column serve both directions, with an incremental sort
    // on id for ties; a custom placement would force a full sort of every match.
    const order = field === 'id' ? sql`id ${direction}` : sql`${ref} ${direction}, id ${direction}`
    const { rows } = await sql<Row>`select * from ${this.table} where ${sql.join(conditions, sql` and `)}
      order by ${order} limit ${limit + 1}`.execute(db)
    const page = rows.slice(0, limit)
    const last = page.at(-1)
    const nextCursor =
      rows.length > limit && last
        ? encodeCursor({ value: cursorValue(last[column]), id: String(last.id) })
        : null
    const only = this.selection(options.fields)
    await this.rollups.apply(db, page)
    const records = await this.expand(
      db,
      page.map((row) => this.access.present(rowToJson(row, this.form, only))),
      options.expand,
    )
    const result: ListResult = { records, nextCursor }
    if (options.count) result.count = await this.countWhere(db, where)
    return result
  }

  async count(db: DynamicDb, options: Pick<ListOptions, 'filter' | 'deleted'>): Promise<number> {
    this.access.require('read')
    return this.countWhere(db, this.where(options))
  }

  private async countWhere(db: DynamicDb, where: RawBuilder<unknown>): Promise<number> {
    const { rows } = await sql<{ n: string }>`select count(*) as n from ${this.table} where ${where}`.execute(
      db,
    )
    return Number(rows[0]!.n)
  }

  /** The rows a list reads: live (or trashed), in the row scope, matching the filter; also the CSV export's. */
  where(options: Pick<ListOptions, 'filter' | 'deleted'>): RawBuilder<unknown> {
    const live = options.deleted ? sql`deleted_at is not null` : sql`deleted_at is null`
    // The row scope is AND-ed outside the user's filter: no `or` in a filter can widen it.
    const base = sql`${live} and ${this.access.scopeSql()}`
    if (options.filter === undefined || options.filter === null) return base
    try {
      return sql`${base} and (${conditionToSql(options.filter, this.filterScope(options.filter))})`
    } catch (error) {
      if (error instanceof ConditionError) {
        throw new AppError(
          400,
          'FILTER_INVALID',
          error.message,
          error.path ? `filter.${error.path}` : 'filter',
        )
      }
      throw error
    }
  }

  /** Keyset condition for the rows after the cursor in (sort column, id) order, nulls as the largest. */
  private after(
    cursor: Cursor,
    ref: RawBuilder<unknown>,
    field: string,
    descending: boolean,
  ): RawBuilder<unknown> {
    const beyond = descending ? sql`<` : sql`>`
    if (field === 'id') return sql`id ${beyond} ${cursor.id}`
    if (cursor.value === null) {
      return descending
        ? sql`((${ref} is null and id < ${cursor.id}) or ${ref} is not null)`
        : sql`(${ref} is null and id > ${cursor.id})`
    }
    const sameValue = sql`(${ref} = ${cursor.value} and id ${beyond} ${cursor.id})`
    return descending
      ? sql`(${ref} < ${cursor.value} or ${sameValue})`
      : sql`(${ref} > ${cursor.value} or ${sameValue} or ${ref} is null)`
  }

  private sortColumn(sort: string | undefined) {
    const descending = sort?.startsWith('-') ?? false
    const field = (descending ? sort!.slice(1) : sort) || 'id'
    const spec = this.form.columns.get(field)
    if (!spec || !this.access.canSortOrFilter(field) || this.rollups.restricted.has(field)) {
      throw new AppError(400, 'SORT_INVALID', `Cannot sort by unknown field "${field}"`, 'sort')
    }
    if (unsortable(spec.sqlType))
      throw new AppError(400, 'SORT_INVALID', `Field "${field}" is not sortable`, 'sort')
    return { column: spec.column, descending, field }
  }

  /**
   * The viewer's filterable fields, less the rollups they see computed live (see VisibleRollups), plus
   * the masked fields `filter` looks up by an exact whole value (see maskedLookups).
   */
  private filterScope(filter: unknown) {
    const scope = this.access.filterScope()
    const masked = this.access.full
      ? new Set<string>()
      : new Set(this.access.describe().masked.filter((key) => this.access.canSeeField(key)))
    const lookups = maskedLookups(filter, masked)
    const viewer = this.access.viewerId
    if (lookups.size && viewer !== undefined) spendMaskedLookup(this.app, viewer)
    if (!this.rollups.restricted.size && !lookups.size) return scope
    const fields = Object.fromEntries(
      Object.entries(scope.fields).filter(([key]) => !this.rollups.restricted.has(key)),
    )
    for (const key of lookups) {
      const field = this.form.scope.fields[key]
      if (field && !this.rollups.restricted.has(key)) fields[key] = field
    }
    return { ...scope, fields }
  }

  private selection(fields: string[] | undefined): ReadonlySet<string> | undefined {
    if (!fields?.length) return undefined
    for (const [i, key] of fields.entries()) {
      if (!this.form.columns.has(key) || !this.access.canSeeField(key)) {
        throw new AppError(400, 'FIELD_UNKNOWN', `Unknown field "${key}"`, `fields.${i}`)
      }
    }
    return new Set(fields)
  }

  /** One level of many-to-one includes: each relation's targets fetched in one query. */
  private async expand(
    db: DynamicDb,
    records: RecordJson[],
    expand: string[] | undefined,
  ): Promise<RecordJson[]> {
    if (!expand?.length || !records.length) return records
    for (const [i, key] of expand.entries()) {
      const field = this.form.fields.get(key)
      if (!field || field.type !== 'relation' || !field.relation || !this.access.canSeeField(key)) {
        throw new AppError(400, 'EXPAND_INVALID', `"${key}" is not a relation field`, `expand.${i}`)
      }
      const target = this.app.form(field.relation.form)
      const targetAccess = this.accessOf(target)
      const ids = [...new Set(records.map((r) => r[key]).filter((v): v is string => typeof v === 'string'))]
      const byId = new Map<string, RecordJson>()
      // A related record outside the viewer's scope (or a form they may not read) is embedded as null.
      if (ids.length && targetAccess.can('read')) {
        const { rows } = await sql<Row>`select * from ${sql.table(`${this.app.schema}.${target.plan.table}`)}
          where id = any(${ids}::bigint[]) and ${targetAccess.scopeSql()}`.execute(db)
        await new VisibleRollups(this.app, target, this.accessOf).apply(db, rows)
        for (const row of rows) byId.set(String(row.id), targetAccess.present(rowToJson(row, target)))
      }
      for (const record of records) {
        const value = record[key]
        const embedded = typeof value === 'string' ? (byId.get(value) ?? null) : null
        record.expand = { ...((record.expand as object | undefined) ?? {}), [key]: embedded }
      }
    }
    return records
  }
}

function cursorValue(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString()
  return value ?? null
}
