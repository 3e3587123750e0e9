import { csvCell } from '@trellis/import-engine'
import type { FieldDef } from '@trellis/form-engine'
import { sql, type RawBuilder } from 'kysely'
import type { CompiledForm, PublishedApp } from '../apps/published-app.js'
import type { FormAccess } from '../auth/access.js'
import type { DynamicDb } from '../db/dynamic.js'
import { RecordReader } from '../records/record-reader.js'
import { VisibleRollups } from '../records/visible-rollups.js'
import type { JsonLogic } from '@trellis/rule-engine'

/**
 * The CSV export's own read path: PostgreSQL writes the CSV lines (a page of them as one string), so
 * the server neither parses typed values nor builds a record object per row. Every cell is exactly what
 * the records reader's JSON gives through `csvCell(cellValue(…))` (export-csv.ts): the same text, the
 * same formula neutralizing, the same quoting. Where SQL cannot promise that (timestamps, JSON values),
 * those cells alone are read as values and formatted here, around the SQL-built pieces of the line.
 *
 * Only for viewers who see every exported value as stored: no exported field masked (a conditional mask
 * reads the whole record) and no rollup computed live for them (VisibleRollups). Others export through
 * the records reader, page by page. Row scope and filter are the records reader's own `where`.
 */

/** How one column's stored value becomes the text `cellValue` gives, in SQL. */
type CellKind =
  /** Text: the driver returns it as stored. */
  | 'text'
  /** PostgreSQL's text output, which the driver returns as is (int8, numeric, date) or which prints the
   * same number (int4), and which never holds a quote, comma or line break: neutralized only. */
  | 'bare'
  | 'boolean'
  /** `double precision`: the JavaScript number's text (see `jsNumberText`). */
  | 'double'
  /** `text[]`: items joined with ', ', a null item as 'null' (String(null)). */
  | 'array'
  /** Read as a value and formatted in JavaScript (timestamps: the driver's Date; jsonb). */
  | 'value'

function cellKind(sqlType: string): CellKind {
  if (sqlType === 'text') return 'text'
  if (sqlType === 'bigint' || sqlType === 'integer' || sqlType === 'date') return 'bare'
  if (sqlType === 'numeric' || sqlType.startsWith('numeric(')) return 'bare'
  if (sqlType === 'boolean') return 'boolean'
  if (sqlType === 'double precision') return 'double'
  if (sqlType === 'text[]') return 'array'
  return 'value'
}

/**
 * `neutralizeCell` in SQL: a cell starting with = + - @ tab CR LF gets a leading quote, unless it is a
 * plain negative number. `ascii` is the first character's code point. Null stays null, which `concat`
 * writes as nothing, as `csvCell` does.
 */
const neutralized = (t: RawBuilder<unknown>) =>
  sql`case when ascii(${t}) in (61, 43, 45, 64, 9, 13, 10) and ${t} !~ '^-[0-9]+(\\.[0-9]+)?$' then '''' || ${t} else ${t} end`

/** `csvCell` of a text in SQL: neutralized, then quoted when it holds a quote, comma or line break. */
const textCell = (t: RawBuilder<unknown>) =>
  sql`case when ${t} ~ '[",\\r\\n]' then '"' || replace(${neutralized(t)}, '"', '""') || '"' else ${neutralized(t)} end`

/**
 * A `double precision` column's text output (`t`, which the driver would `parseFloat`) as JavaScript's
 * `String(number)` prints that number. Both print the shortest digits that read back as the same double
 * (PostgreSQL since 12 with extra_float_digits > 0, its default; at most 15 digits otherwise, which
 * JavaScript prints the same), except at a tie from 1e15 (see `pages`); they differ in notation.
 * PostgreSQL writes an exponent below 1e-4 and from 1e15, JavaScript below 1e-6 and from 1e21; between
 * those JavaScript writes all the digits (which `numeric` prints from the exponent form exactly), beyond
 * them an exponent without leading zeros. `-0` is `0` in JavaScript.
 */
const jsNumberText = (t: RawBuilder<unknown>) =>
  sql`case when strpos(${t}, 'e') = 0 then (case when ${t} = '-0' then '0' else ${t} end)
    when substr(${t}, strpos(${t}, 'e') + 1)::int between -6 and 20 then ${t}::numeric::text
    else regexp_replace(${t}, 'e([-+])0*([0-9])', 'e\\1\\2') end`

/** One cell read as a value: what `csvCell(cellValue(…))` makes of the records reader's JSON value. */
function valueCell(value: unknown): string {
  if (value === null || value === undefined) return ''
  if (value instanceof Date) return csvCell(value.toISOString())
  if (typeof value === 'bigint') return csvCell(value.toString())
  if (Array.isArray(value)) {
    return csvCell(
      value
        .map((item) =>
          item && typeof item === 'object' && 'name' in item ? String(item.name) : String(item),
        )
        .join(', '),
    )
  }
  return csvCell(value)
}

/** A line's pieces: SQL text, or a column read as a value (formatted by `valueCell`). */
type Piece = { sql: RawBuilder<unknown> } | { value: string }

interface Plan {
  columns: RawBuilder<unknown>[]
  pieces: Piece[]
  /** True for a record with a double PostgreSQL prints with a positive exponent (from 1e15). */
  large: RawBuilder<unknown> | undefined
}

/** A page of lines; `large` when a double in it needs JavaScript's printing (see `pages`). */
interface Page {
  text: string
  last: string | undefined
  full: boolean
  large: boolean
}

export interface SqlExportOptions {
  filter?: unknown
  /** Records per query (a page's lines arrive as one string). */
  pageSize?: number
}

/** Records per page at most. */
export const sqlExportPageSize = 10_000

/**
 * Characters a page's lines may reach at most, from the fields' longest values: below PostgreSQL's 1 GB
 * limit on the page's one text value (a character is at most 4 bytes in UTF-8; a quote, doubled, is 2)
 * and a bound on memory, as the records reader's pages had one.
 */
const pageChars = 128_000_000

/** The longest text a field's cell may take (generous where the form sets no limit). */
function widestCell(field: FieldDef, kind: CellKind | undefined): number {
  if (kind === 'text') {
    if (field.type === 'long_text' || field.type === 'formula') return field.maxLength ?? 100_000
    return field.maxLength ?? 2_000
  }
  if (kind === 'array' || kind === 'value') return 10_000
  return 50
}

export class SqlCsvExport {
  private constructor(
    private readonly db: DynamicDb,
    private readonly app: PublishedApp,
    private readonly form: CompiledForm,
    private readonly access: FormAccess,
    private readonly reader: RecordReader,
    private readonly fields: FieldDef[],
  ) {}

  /**
   * The SQL export for this viewer, or undefined where the records reader must shape the values: an
   * exported field masked (always or on some records), or a rollup computed live for this viewer.
   */
  static for(
    db: DynamicDb,
    app: PublishedApp,
    form: CompiledForm,
    accessOf: (form: CompiledForm) => FormAccess,
    fields: FieldDef[],
  ): SqlCsvExport | undefined {
    const access = accessOf(form)
    if (!access.full) {
      const masked = new Set(access.describe().masked)
      if (fields.some((f) => masked.has(f.key))) return undefined
    }
    if (new VisibleRollups(app, form, accessOf).active) return undefined
    return new SqlCsvExport(db, app, form, access, new RecordReader(app, form, accessOf), fields)
  }

  private kindOf(field: FieldDef): CellKind | undefined {
    const spec = this.form.columns.get(field.key)
    return spec && cellKind(spec.sqlType)
  }

  /**
   * The inner select's columns, the line's pieces over them, and the test for doubles SQL cannot print
   * as JavaScript does. With `doublesAsValues`, doubles are read as values instead.
   */
  private plan(doublesAsValues: boolean): Plan {
    const columns: RawBuilder<unknown>[] = [sql`id`]
    const pieces: Piece[] = [{ sql: sql`id::text` }]
    const large: RawBuilder<unknown>[] = []
    for (const [i, field] of this.fields.entries()) {
      pieces.push({ sql: sql`','` })
      const spec = this.form.columns.get(field.key)
      // A field without a column has no value in the records reader's JSON: an empty cell.
      if (!spec) continue
      const name = `c${i}`
      const ref = sql.ref(name)
      const column = sql.ref(spec.column)
      let kind = cellKind(spec.sqlType)
      if (kind === 'double' && doublesAsValues) kind = 'value'
      switch (kind) {
        case 'text':
          columns.push(sql`${column} as ${ref}`)
          pieces.push({ sql: textCell(ref) })
          break
        case 'bare':
          columns.push(sql`${column}::text as ${ref}`)
          pieces.push({ sql: neutralized(ref) })
          break
        case 'boolean':
          columns.push(sql`${column} as ${ref}`)
          pieces.push({ sql: sql`case when ${ref} then 'true' when not ${ref} then 'false' end` })
          break
        case 'double':
          columns.push(sql`${column}::text as ${ref}`)
          pieces.push({ sql: neutralized(jsNumberText(ref)) })
          large.push(sql`strpos(${ref}, 'e+') > 0`)
          break
        case 'array':
          columns.push(sql`array_to_string(${column}, ', ', 'null') as ${ref}`)
          pieces.push({ sql: textCell(ref) })
          break
        case 'value':
          columns.push(sql`${column} as ${ref}`)
          pieces.push({ value: name })
          break
      }
    }
    pieces.push({ sql: sql`E'\\r\\n'` })
    return { columns, pieces, large: large.length ? sql`(${sql.join(large, sql` or `)})` : undefined }
  }

  /** One page's query for a plan: the lines after record `after`, up to `limit` records. */
  private pageQuery(plan: Plan, where: RawBuilder<unknown>, limit: number) {
    const table = sql.table(`${this.app.schema}.${this.form.plan.table}`)
    // A range ending at a record read before (`upto`) cannot grow (ids only increase): no limit.
    const inner = (after: string | undefined, upto: string | undefined) =>
      sql`select ${sql.join(plan.columns)} from ${table}
        where ${where}${after === undefined ? sql`` : sql` and id > ${after}`}${upto === undefined ? sql`` : sql` and id <= ${upto}`}
        order by id${upto === undefined ? sql` limit ${limit}` : sql``}`
    const large = plan.large ?? sql`false`

    // Consecutive SQL pieces become one `concat`; a value piece is a column between them.
    const segments: Array<RawBuilder<unknown>[] | string> = []
    for (const piece of plan.pieces) {
      const last = segments.at(-1)
      if ('sql' in piece) {
        if (Array.isArray(last)) last.push(piece.sql)
        else segments.push([piece.sql])
      } else segments.push(piece.value)
    }

    if (segments.length === 1) {
      // Every cell in SQL: a page is one row holding all its lines.
      const line = sql`concat(${sql.join(segments[0] as RawBuilder<unknown>[])})`
      return async (after: string | undefined, upto?: string): Promise<Page> => {
        const { rows } = await sql<{ text: string | null; last: string | null; n: number; large: boolean }>`
          select string_agg(${line}, '' order by page.id) as text, max(page.id)::text as last,
            count(*)::int as n, coalesce(bool_or(${large}), false) as large
          from (${inner(after, upto)}) page`.execute(this.db)
        const row = rows[0]!
        return {
          text: row.text ?? '',
          last: row.last ?? undefined,
          full: Number(row.n) === limit,
          large: row.large,
        }
      }
    }
    const selected = segments.map((segment, i) =>
      typeof segment === 'string'
        ? sql.ref(segment)
        : sql`concat(${sql.join(segment)}) as ${sql.ref(`s${i}`)}`,
    )
    const keys = segments.map((segment, i) => (typeof segment === 'string' ? segment : `s${i}`))
    const texts = segments.map((segment) => typeof segment !== 'string')
    return async (after: string | undefined, upto?: string): Promise<Page> => {
      const { rows } = await sql<Record<string, unknown>>`
        select page.id::text as last, ${large} as large, ${sql.join(selected)}
        from (${inner(after, upto)}) page order by page.id`.execute(this.db)
      let text = ''
      for (const row of rows) {
        for (let i = 0; i < keys.length; i++) {
          const value = row[keys[i]!]
          text += texts[i] ? (value as string) : valueCell(value)
        }
      }
      return {
        text,
        last: rows.length ? String(rows.at(-1)!.last) : undefined,
        full: rows.length === limit,
        large: rows.some((row) => row.large === true),
      }
    }
  }

  /**
   * The CSV lines of the records the viewer may export, in id order, a page per string. Each page's
   * last id is looked up first (cheap: ids only), so two pages are written at once, each on its own
   * connection on PostgreSQL (which, not this process, does most of the work), and a bad filter fails
   * before any output. The last page goes on by keyset: records added meanwhile are exported too.
   */
  async *pages(options: SqlExportOptions = {}): AsyncGenerator<string> {
    this.access.require('read')
    const where = this.reader.where({
      ...(options.filter !== undefined ? { filter: options.filter as JsonLogic } : {}),
    })
    const widest = this.fields.reduce(
      (sum, field) => sum + widestCell(field, this.kindOf(field)),
      20 + this.fields.length,
    )
    const limit =
      options.pageSize ?? Math.max(100, Math.min(sqlExportPageSize, Math.floor(pageChars / widest)))
    const plan = this.plan(false)
    const fast = this.pageQuery(plan, where, limit)
    // A double from 1e15 may be one whose shortest digits PostgreSQL and JavaScript choose differently
    // (a tie at 17 digits, which JavaScript settles one digit shorter): a page holding one is read again
    // with doubles as values, printed by JavaScript itself.
    const exact = plan.large ? this.pageQuery(this.plan(true), where, limit) : fast
    const query = async (after: string | undefined, upto?: string) => {
      const page = await fast(after, upto)
      return page.large ? exact(after, upto) : page
    }

    // The limit-th record after `after`: a range ending there holds a page (and cannot gain records:
    // ids only grow). None when fewer are left: the open tail, read by keyset.
    const table = sql.table(`${this.app.schema}.${this.form.plan.table}`)
    const boundary = async (after: string | undefined) => {
      const { rows } = await sql<{ bound: string }>`select id::text as bound from ${table}
        where ${where}${after === undefined ? sql`` : sql` and id > ${after}`}
        order by id offset ${limit - 1} limit 1`.execute(this.db)
      return rows[0]?.bound
    }
    const pending: Array<Promise<Page>> = []
    const run = (page: Promise<Page>) => {
      // If the consumer stops early (the client went away), a page under way must not become an
      // unhandled rejection.
      page.catch(() => {})
      pending.push(page)
    }
    let after: string | undefined
    let open = true
    const start = async () => {
      if (!open) return
      const upto = await boundary(after)
      if (upto === undefined) open = false
      run(query(after, upto))
      after = upto
    }
    await start()
    await start()
    while (pending.length) {
      const page = await pending.shift()!
      // The tail goes on by keyset while its pages are full.
      if (!open && !pending.length && page.full && page.last !== undefined) run(query(page.last))
      await start()
      if (page.text) yield page.text
    }
  }
}
