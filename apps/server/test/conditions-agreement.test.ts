import fc from 'fast-check'
import { sql, type Kysely, type RawBuilder } from 'kysely'
import { compileCondition, conditionToSql, type SqlScope } from '@trellis/rule-engine'
import { expect, it } from 'vitest'
import { describeEachDatabase } from './support/databases.js'

/**
 * The two backends agree: random records × random conditions of the SQL subset, evaluated by the
 * compiled JS closure and by PostgreSQL / PGlite, must give the same truth for every pair.
 *
 * Deliberate differences (docs/conditions.md) are excluded here explicitly, and only here:
 * - strings hold no U+E000–U+FFFF characters (UTF-16 and UTF-8 order them differently against
 *   emoji), no NUL (PostgreSQL text cannot hold it) and no hex/octal/binary number literals;
 * - number fields hold no NaN (PostgreSQL orders NaN above every number);
 * - arrays hold no null items;
 * - pairs the SQL compiler refuses on purpose (two decimals, text against a date, arrays in
 *   comparisons) are not generated; any refusal of a generated condition fails the test.
 */

const FIELDS: SqlScope['fields'] = {
  t: { column: 'a.t', type: 'text' },
  t2: { column: 'a.t2', type: 'text' },
  n: { column: 'a.n', type: 'number' },
  n2: { column: 'a.n2', type: 'number' },
  d: { column: 'a.d', type: 'decimal' },
  b: { column: 'a.b', type: 'boolean' },
  day: { column: 'a.day', type: 'date' },
  day2: { column: 'a.day2', type: 'date' },
  at: { column: 'a.at', type: 'datetime' },
  at2: { column: 'a.at2', type: 'datetime' },
  tags: { column: 'a.tags', type: 'text_array' },
}

// ---------- records ----------

const CHARS = [
  'a',
  'B',
  'z',
  '0',
  '1',
  '2',
  '9',
  ' ',
  '.',
  '-',
  '+',
  'e',
  'E',
  '中',
  '文',
  '王',
  'é',
  'ß',
  '😀',
  '\u3000',
  '\t',
  "'",
  ';',
  '%',
  '_',
  '\\',
  '$',
]
const SPECIAL_TEXT = [
  '',
  ' ',
  '0',
  '-0',
  '12',
  ' 12 ',
  '12.50',
  '12.5',
  '1e3',
  '.5',
  '5.',
  '+5',
  'Infinity',
  'abc',
  'ABC',
  '中文',
  '王小明',
  'null',
  'true',
  '\u3000',
  '2024-02-29',
  "a'b; --",
  '$1',
  'vip',
]
// Excluded on purpose: '0b1', '0o7', '0x1F' read as numbers in JS only (docs/conditions.md).
const NON_DECIMAL_LITERAL = /^\s*0[bBoOxX]/
const text = fc.oneof(
  fc.constantFrom(...SPECIAL_TEXT),
  fc
    .array(fc.constantFrom(...CHARS), { maxLength: 6 })
    .map((cs) => cs.join(''))
    .filter((s) => !NON_DECIMAL_LITERAL.test(s)),
)
const nullable = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: null, freq: 4 })
const number = fc.oneof(
  fc.constantFrom(0, 1, -1, 12, 12.5, -5.5, 1000, 0.1, Infinity, -Infinity),
  fc.integer({ min: -100, max: 100 }),
  fc.double({ min: -1e6, max: 1e6, noNaN: true }),
)
const decimal = fc.integer({ min: -2_000_000, max: 2_000_000 }).map((cents) => (cents / 100).toFixed(2))
const DAY_BASES = [
  '2023-12-31',
  '2024-01-01',
  '2024-02-28',
  '2024-02-29',
  '2023-02-28',
  '2024-03-10',
  '2024-11-03',
  '1999-12-31',
  '2000-02-29',
  '1990-03-01',
]
const day = fc
  .tuple(fc.constantFrom(...DAY_BASES), fc.integer({ min: -3, max: 3 }))
  .map(([base, shift]) => new Date(Date.parse(base) + shift * 86_400_000).toISOString().slice(0, 10))
// Instants around DST changes (New York, London, Sydney) and year ends (Shanghai, UTC).
const INSTANT_BASES = [
  '2024-03-10T07:00:00Z',
  '2024-11-03T06:00:00Z',
  '2024-03-31T01:00:00Z',
  '2024-04-06T16:00:00Z',
  '2023-12-31T16:00:00Z',
  '2024-12-31T23:59:59Z',
  '2024-02-28T16:00:00Z',
]
const instant = fc
  .tuple(fc.constantFrom(...INSTANT_BASES), fc.integer({ min: -3 * 3_600_000, max: 3 * 3_600_000 }))
  .map(([base, shift]) =>
    new Date(Date.parse(base) + Math.round(shift / 1000) * 1000 + (shift % 7 === 0 ? 123 : 0)).toISOString(),
  )
const tags = fc.uniqueArray(fc.constantFrom('vip', 'new', 'sh-01', 'sh-02', '中文', '', 'a,b'), {
  maxLength: 4,
})

const record = fc.record({
  t: nullable(text),
  t2: nullable(text),
  n: nullable(number),
  n2: nullable(number),
  d: nullable(decimal),
  b: nullable(fc.boolean()),
  day: nullable(day),
  day2: nullable(day),
  at: nullable(instant),
  at2: nullable(instant),
  tags: nullable(tags),
})
type Row = typeof record extends fc.Arbitrary<infer R> ? R : never

// ---------- conditions ----------

type Logic = unknown
const v = (name: string) => ({ var: name })
const constant = fc.oneof(
  fc.constantFrom<unknown>(
    null,
    0,
    1,
    -1,
    12,
    12.5,
    0.1,
    -5.5,
    1000,
    true,
    false,
    '',
    ' ',
    '0',
    '12',
    '12.50',
    '12.5',
    '1e3',
    'abc',
    'ABC',
    '中文',
    'vip',
    "a'b; --",
    '$1',
  ),
  fc.constantFrom<unknown>(
    '2024-02-29',
    '2024-03-10',
    '2024-1-1',
    '2024-02-30',
    '2024-03-10T07:00:00.000Z',
    '2024-03-10T07:00:00Z',
    '2024-01-01T00:00:00.000Z',
    '2024',
  ),
  fc.constantFrom<unknown>(
    { var: '$user.store' },
    { var: '$now' },
    { now: [] },
    { today: [] },
    { var: '$user.level' },
  ),
  number,
  text,
  day,
  instant,
)
const dateSource = fc.constantFrom<Logic>(v('day'), v('day2'), v('at'), v('at2'))
const calendarUnit = fc.constantFrom('days', 'weeks', 'months', 'years')
const numberField: fc.Arbitrary<Logic> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom<Logic>(v('n'), v('n2')) },
  fc.tuple(dateSource).map(([x]) => ({ days_since: [x] })),
  fc
    .tuple(
      dateSource,
      fc.oneof(dateSource, fc.constantFrom<Logic>('2024-03-10', { today: [] }, { now: [] })),
      calendarUnit,
    )
    .map(([a, b, u]) => ({ date_diff: [a, b, u] })),
  fc.tuple(dateSource).map(([x]) => ({ day_of_year: [x] })),
  fc.tuple(dateSource).map(([x]) => ({ days_until_anniversary: [x] })),
)
const dateField: fc.Arbitrary<Logic> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom<Logic>(v('day'), v('day2')) },
  fc
    .tuple(fc.constantFrom(v('day'), v('day2')), fc.integer({ min: -400, max: 400 }), calendarUnit)
    .map(([x, k, u]) => ({ date_add: [x, k, u] })),
)
const datetimeField: fc.Arbitrary<Logic> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom<Logic>(v('at'), v('at2')) },
  fc
    .tuple(
      fc.constantFrom(v('at'), v('at2')),
      fc.integer({ min: -50, max: 50 }),
      fc.constantFrom('days', 'weeks', 'months', 'years', 'hours', 'minutes'),
    )
    .map(([x, k, u]) => ({ date_add: [x, k, u] })),
  fc
    .tuple(dateSource, fc.constantFrom('day', 'week', 'month', 'year'))
    .map(([x, u]) => ({ start_of: [x, u] })),
)
const textField = fc.constantFrom<Logic>(v('t'), v('t2'))
const boolField = fc.constantFrom<Logic>(v('b'))
const decimalField = fc.constantFrom<Logic>(v('d'))

type Kind = 'num' | 'text' | 'dec' | 'bool' | 'date' | 'dt'
const fieldOf: Record<Kind, fc.Arbitrary<Logic>> = {
  num: numberField,
  text: textField,
  dec: decimalField,
  bool: boolField,
  date: dateField,
  dt: datetimeField,
}
// Field-to-field pairs with a JsonLogic meaning SQL reproduces (two strings must share a type).
const FIELD_PAIRS: Array<[Kind, Kind]> = [
  ['num', 'num'],
  ['text', 'text'],
  ['bool', 'bool'],
  ['date', 'date'],
  ['dt', 'dt'],
  ['num', 'text'],
  ['num', 'dec'],
  ['num', 'bool'],
  ['num', 'date'],
  ['num', 'dt'],
  ['bool', 'text'],
  ['bool', 'dec'],
  ['bool', 'date'],
  ['bool', 'dt'],
]
const kind = fc.constantFrom<Kind>('num', 'text', 'dec', 'bool', 'date', 'dt')
const comparisonOp = fc.constantFrom('==', '!=', '===', '!==', '<', '<=', '>', '>=')

const operandPair: fc.Arbitrary<[Logic, Logic]> = fc.oneof(
  { weight: 3, arbitrary: kind.chain((k) => fc.tuple(fieldOf[k], constant)) },
  { weight: 2, arbitrary: kind.chain((k) => fc.tuple(constant, fieldOf[k])) },
  {
    weight: 2,
    arbitrary: fc.constantFrom(...FIELD_PAIRS).chain(([a, b]) => fc.tuple(fieldOf[a], fieldOf[b])),
  },
)

const comparison = fc.oneof(
  { weight: 6, arbitrary: fc.tuple(comparisonOp, operandPair).map(([op, [a, b]]) => ({ [op]: [a, b] })) },
  fc
    .tuple(
      fc.constantFrom('<', '<='),
      kind.chain((k) => fc.tuple(constant, fieldOf[k], constant)),
    )
    .map(([op, args]) => ({ [op]: args })),
  kind.chain((k) => fc.tuple(fieldOf[k], constant, constant)).map((args) => ({ between: args })),
)

const predicate: fc.Arbitrary<Logic> = fc.oneof(
  { weight: 8, arbitrary: comparison },
  fc.constantFrom<Logic>(v('t'), v('n'), v('d'), v('b'), v('day'), v('at'), v('tags')),
  fc
    .tuple(
      fc.oneof(textField, numberField, decimalField, boolField, dateField),
      fc.array(constant, { maxLength: 4 }),
    )
    .map(([x, list]) => ({ in: [x, list] })),
  fc.tuple(fc.oneof(constant, textField), fc.constant(v('tags'))).map(([x, list]) => ({ in: [x, list] })),
  fc
    .tuple(textField, fc.constantFrom<Logic>('abc王小明 12', '中文 vip', 'null', ''))
    .map(([x, s]) => ({ in: [x, s] })),
  fc.tuple(fc.oneof(constant, textField), textField).map(([x, s]) => ({ in: [x, s] })),
  fc
    .tuple(
      fc.constantFrom('contains', 'starts_with', 'ends_with', 'icontains', 'istarts_with', 'iends_with'),
      textField,
      fc.oneof(constant, textField),
    )
    .map(([op, a, b]) => ({ [op]: [a, b] })),
  fc
    .tuple(fc.constantFrom<Logic>(v('t'), v('n'), v('d'), v('b'), v('day'), v('at'), v('tags')))
    .map(([x]) => ({ is_empty: [x] })),
  fc
    .tuple(
      fc.constantFrom('has_any', 'has_all'),
      fc.oneof(
        fc.array(fc.constantFrom<unknown>('vip', 'new', 'sh-01', '中文', '', 1, 'x'), { maxLength: 3 }),
        fc.constantFrom<unknown>('vip', 3),
      ),
    )
    .map(([op, list]) => ({ [op]: [v('tags'), list] })),
  fc
    .tuple(
      dateSource,
      fc.option(fc.constantFrom<Logic>('2023-02-28', '2024-02-29', '2024-03-10', '2025-01-01'), {
        nil: undefined,
      }),
    )
    .map(([x, on]) => ({ is_anniversary: on === undefined ? [x] : [x, on] })),
)

const condition: fc.Arbitrary<Logic> = fc.letrec<{ node: Logic }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    { weight: 5, arbitrary: predicate },
    fc
      .tuple(fc.constantFrom('and', 'or'), fc.array(tie('node'), { minLength: 1, maxLength: 3 }))
      .map(([op, xs]) => ({ [op]: xs })),
    tie('node').map((x) => ({ '!': [x] })),
    tie('node').map((x) => ({ '!!': x })),
    fc.tuple(tie('node'), tie('node'), tie('node')).map(([a, b, c]) => ({ if: [a, b, c] })),
    fc.tuple(tie('node'), fc.constantFrom(true, false, 1, 0)).map(([a, c]) => ({ '==': [{ '!!': a }, c] })),
  ),
})).node

// ---------- running both sides ----------

const SETTINGS = fc.record({
  timeZone: fc.constantFrom('Asia/Shanghai', 'America/New_York', 'Europe/London', 'Australia/Sydney', 'UTC'),
  now: fc.constantFrom(
    '2024-03-10T06:30:00.000Z',
    '2024-11-03T05:30:00.000Z',
    '2023-12-31T16:30:00.000Z',
    '2024-02-29T12:00:00.000Z',
  ),
})

async function createTable(db: Kysely<unknown>): Promise<void> {
  await sql`create table a (id integer primary key, t text, t2 text, n double precision, n2 double precision,
    d numeric(12,2), b boolean, day date, day2 date, at timestamptz, at2 timestamptz, tags text[])`.execute(
    db,
  )
}

async function load(db: Kysely<unknown>, rows: Row[]): Promise<Array<Record<string, unknown>>> {
  await sql`delete from a`.execute(db)
  const values = rows.map(
    (r, i) =>
      sql`(${i}, ${r.t}, ${r.t2}, ${r.n}, ${r.n2}, ${r.d}, ${r.b}, ${r.day}, ${r.day2}, ${r.at}, ${r.at2}, ${r.tags})`,
  )
  await sql`insert into a values ${sql.join(values)}`.execute(db)
  return (await sql<Record<string, unknown>>`select * from a order by id`.execute(db)).rows
}

const truthy = (x: unknown) => (Array.isArray(x) ? x.length > 0 : !!x)

export async function checkAgreement(
  db: Kysely<unknown>,
  rows: Row[],
  conditions: Logic[],
  settings: { timeZone: string; now: string },
): Promise<void> {
  const stored = await load(db, rows)
  // The database hands back what was generated (decimals as strings, dates as 'YYYY-MM-DD').
  stored.forEach((s, i) => {
    const zero = (x: unknown) => (x === 0 ? 0 : x) // -0 may come back as 0; JsonLogic cannot tell them apart
    expect([s.t, zero(s.n), s.d, s.day, s.tags]).toEqual([
      rows[i]!.t,
      zero(rows[i]!.n),
      rows[i]!.d,
      rows[i]!.day,
      rows[i]!.tags,
    ])
    expect(s.at === null ? null : (s.at as Date).toISOString()).toBe(rows[i]!.at)
  })
  const context = { user: { store: 'sh-01', level: 12 }, now: settings.now }
  const scope: SqlScope = {
    fields: FIELDS,
    context,
    timeZone: settings.timeZone,
    now: new Date(settings.now),
  }
  const compiled: Array<{ logic: Logic; where: RawBuilder<unknown> | unknown; js: (r: unknown) => unknown }> =
    []
  for (const logic of conditions) {
    let where
    try {
      where = conditionToSql(logic, scope)
    } catch (error) {
      throw new Error(`SQL refused a generated condition ${JSON.stringify(logic)}: ${String(error)}`)
    }
    const fn = compileCondition(logic, { timeZone: settings.timeZone })
    compiled.push({ logic, where, js: (r) => fn(r, context) })
  }
  for (let start = 0; start < compiled.length; start += 60) {
    const batch = compiled.slice(start, start + 60)
    const columns = batch.map(
      (c, i) => sql`coalesce((${c.where as RawBuilder<unknown>}), false) as ${sql.ref(`c${i}`)}`,
    )
    const { rows: results } = await sql<
      Record<string, boolean>
    >`select id, ${sql.join(columns)} from a order by id`.execute(db)
    results.forEach((result, r) => {
      batch.forEach((c, i) => {
        const js = truthy(c.js(stored[r]))
        if (js !== result[`c${i}`]) {
          throw new Error(
            `JS and SQL disagree (${settings.timeZone}, now ${settings.now}) on ${JSON.stringify(c.logic)} ` +
              `for record ${JSON.stringify(rows[r])}: JS ${js}, SQL ${result[`c${i}`]}`,
          )
        }
      })
    })
  }
}

describeEachDatabase(
  'JS and SQL agree on random records and conditions',
  (ctx) => {
    const db = () => ctx.database.db as unknown as Kysely<unknown>

    it('creates the table', async () => {
      await createTable(db())
    })

    it('agrees on every record × condition', { timeout: 120_000 }, async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(record, { minLength: 120, maxLength: 150 }),
          fc.array(condition, { minLength: 180, maxLength: 200 }),
          SETTINGS,
          (rows, conditions, settings) => checkAgreement(db(), rows, conditions, settings),
        ),
        // TRELLIS_AGREEMENT_RUNS=50 for a longer hunt; CI keeps the default short.
        { numRuns: Number(process.env.TRELLIS_AGREEMENT_RUNS ?? 4), endOnFailure: true },
      )
    })
  },
  { migrate: false },
)
