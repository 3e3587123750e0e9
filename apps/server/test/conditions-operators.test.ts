import { sql, type Kysely } from 'kysely'
import { compileCondition, conditionToSql, type SqlScope } from '@trellis/rule-engine'
import { describe, expect, it } from 'vitest'
import { describeEachDatabase } from './support/databases.js'

/**
 * Every Trellis operator (and the SQL forms of JsonLogic's comparisons) on both databases:
 * the rows PostgreSQL/PGlite select must be exactly the rows the compiled JS condition accepts,
 * and both must match the ids written here by hand.
 */

const NOW = new Date('2024-03-10T06:30:00.000Z') // 14:30 in Shanghai, 01:30 EST in New York (DST starts at 02:00)

const scope = (overrides: Partial<SqlScope> = {}): SqlScope => ({
  fields: {
    name: { column: 'r.name', type: 'text' },
    score: { column: 'r.score', type: 'number' },
    spent: { column: 'r.spent', type: 'decimal' },
    vip: { column: 'r.vip', type: 'boolean' },
    birthday: { column: 'r.birthday', type: 'date' },
    last_seen: { column: 'r.last_seen', type: 'datetime' },
    tags: { column: 'r.tags', type: 'text_array' },
    extra: { column: 'r.extra', type: 'json' },
  },
  now: NOW,
  context: { user: { store: 'sh-01' } },
  ...overrides,
})

const ROWS = [
  {
    id: 1,
    name: 'Alice Wang',
    score: 10,
    spent: '12.50',
    vip: true,
    birthday: '1990-02-28',
    last_seen: '2024-03-09T16:30:00.000Z',
    tags: ['vip', 'sh-01'],
    extra: { a: 1 },
  },
  {
    id: 2,
    name: '王小明',
    score: 0,
    spent: '0.00',
    vip: false,
    birthday: '1992-02-29',
    last_seen: '2024-03-09T15:59:59.000Z',
    tags: [],
    extra: {},
  },
  {
    id: 3,
    name: '',
    score: null,
    spent: null,
    vip: null,
    birthday: null,
    last_seen: null,
    tags: null,
    extra: null,
  },
  {
    id: 4,
    name: 'bob',
    score: -5.5,
    spent: '1000.00',
    vip: true,
    birthday: '2000-03-10',
    last_seen: '2023-12-31T16:00:00.000Z',
    tags: ['new'],
    extra: [],
  },
  {
    id: 5,
    name: 'ALICE smith',
    score: 99,
    spent: '99.99',
    vip: false,
    birthday: '1988-03-17',
    last_seen: '2024-02-10T00:00:00.000Z',
    tags: ['vip', 'new'],
    extra: '',
  },
  {
    id: 6,
    name: '12',
    score: 12,
    spent: '12.00',
    vip: false,
    birthday: '1996-02-29',
    last_seen: '2024-03-10T05:00:00.000Z',
    tags: ['sh-02'],
    extra: 0,
  },
]

async function setUp(db: Kysely<unknown>): Promise<void> {
  await sql`create table r (id integer primary key, name text, score double precision, spent numeric(12,2), vip boolean,
    birthday date, last_seen timestamptz, tags text[], extra jsonb)`.execute(db)
  for (const row of ROWS) {
    await sql`insert into r values (${row.id}, ${row.name}, ${row.score}, ${row.spent}, ${row.vip}, ${row.birthday},
      ${row.last_seen}, ${row.tags}, ${row.extra === null ? null : JSON.stringify(row.extra)})`.execute(db)
  }
}

/** Operator cases: [title, logic, expected ids, scope overrides]. */
const CASES: Array<[string, unknown, number[], Partial<SqlScope>?]> = [
  ['contains', { contains: [{ var: 'name' }, 'li'] }, [1]],
  ['contains Chinese', { contains: [{ var: 'name' }, '小'] }, [2]],
  ['icontains (ASCII folding)', { icontains: [{ var: 'name' }, 'ALI'] }, [1, 5]],
  ['starts_with', { starts_with: [{ var: 'name' }, 'Alice'] }, [1]],
  ['istarts_with', { istarts_with: [{ var: 'name' }, 'alice'] }, [1, 5]],
  ['ends_with', { ends_with: [{ var: 'name' }, 'Smith'] }, []],
  ['iends_with', { iends_with: [{ var: 'name' }, 'SMITH'] }, [5]],
  ['contains a number', { contains: [{ var: 'name' }, 12] }, [6]],
  ['between numbers', { between: [{ var: 'score' }, 0, 12] }, [1, 2, 3, 6]],
  ['between decimals (numeric)', { between: [{ var: 'spent' }, 12, 100] }, [1, 5, 6]],
  ['between dates', { between: [{ var: 'birthday' }, '1990-01-01', '1996-12-31'] }, [1, 2, 6]],
  ['is_empty text', { is_empty: [{ var: 'name' }] }, [3]],
  ['is_empty tags', { is_empty: [{ var: 'tags' }] }, [2, 3]],
  ['is_empty json', { is_empty: [{ var: 'extra' }] }, [2, 3, 4, 5]],
  ['is_empty number', { is_empty: [{ var: 'score' }] }, [3]],
  ['has_any', { has_any: [{ var: 'tags' }, ['new', 'sh-02']] }, [4, 5, 6]],
  ['has_any one string', { has_any: [{ var: 'tags' }, 'vip'] }, [1, 5]],
  ['has_all', { has_all: [{ var: 'tags' }, ['vip', 'new']] }, [5]],
  ['has_all empty list', { has_all: [{ var: 'tags' }, []] }, [1, 2, 4, 5, 6]],
  ['in tags with context', { in: [{ var: '$user.store' }, { var: 'tags' }] }, [1]],
  ['in a list', { in: [{ var: 'name' }, ['bob', '12', 'x']] }, [4, 6]],
  ['in a string', { in: ['Ali', { var: 'name' }] }, [1]],
  ['days_since today (Shanghai)', { '==': [{ days_since: [{ var: 'last_seen' }] }, 0] }, [1, 6]],
  ['days_since yesterday (Shanghai)', { '==': [{ days_since: [{ var: 'last_seen' }] }, 1] }, [2]],
  [
    'days_since in New York',
    { '==': [{ days_since: [{ var: 'last_seen' }] }, 0] },
    [6],
    { timeZone: 'America/New_York' },
  ],
  [
    'days_since null is null (null < 30 is true in JsonLogic)',
    { '<': [{ days_since: [{ var: 'last_seen' }] }, 30] },
    [1, 2, 3, 5, 6],
  ],
  ['date_diff months', { '>=': [{ date_diff: [{ var: 'birthday' }, '2024-03-10', 'months'] }, 408] }, [1, 5]],
  ['date_diff years', { '==': [{ date_diff: [{ var: 'birthday' }, { today: [] }, 'years'] }, 24] }, [4]],
  [
    'date_diff weeks',
    { '<': [{ date_diff: [{ var: 'last_seen' }, { now: [] }, 'weeks'] }, 1] },
    [1, 2, 3, 6],
  ],
  ['date_add days to a date', { '==': [{ date_add: [{ var: 'birthday' }, 1, 'days'] }, '1990-03-01'] }, [1]],
  [
    'date_add months clamps',
    { '==': [{ date_add: [{ var: 'birthday' }, 12, 'months'] }, '1997-02-28'] },
    [6],
  ],
  [
    'date_add hours to a datetime',
    { '>': [{ date_add: [{ var: 'last_seen' }, 24, 'hours'] }, { now: [] }] },
    [1, 2, 6],
  ],
  [
    'date_add a month to a datetime',
    { '<': [{ date_add: [{ var: 'last_seen' }, 1, 'months'] }, { now: [] }] },
    [4, 5],
  ],
  ['start_of day', { '>=': [{ var: 'last_seen' }, { start_of: [{ now: [] }, 'day'] }] }, [1, 6]],
  [
    'start_of week (Monday)',
    { '>=': [{ var: 'last_seen' }, { start_of: [{ now: [] }, 'week'] }] },
    [1, 2, 6],
  ],
  ['start_of month', { '>=': [{ var: 'last_seen' }, { start_of: [{ now: [] }, 'month'] }] }, [1, 2, 6]],
  [
    'start_of year in New York',
    { '>=': [{ var: 'last_seen' }, { start_of: [{ now: [] }, 'year'] }] },
    [1, 2, 5, 6],
    { timeZone: 'America/New_York' },
  ],
  [
    'start_of a field',
    { '==': [{ start_of: [{ var: 'last_seen' }, 'month'] }, '2024-02-29T16:00:00.000Z'] },
    [1, 2, 6],
  ],
  [
    'start_of a date field',
    { '==': [{ start_of: [{ var: 'birthday' }, 'year'] }, '1989-12-31T16:00:00.000Z'] },
    [1],
  ],
  ['is_anniversary today', { is_anniversary: [{ var: 'birthday' }] }, [4]],
  [
    '29 Feb matches 28 Feb in a non-leap year',
    { is_anniversary: [{ var: 'birthday' }, '2023-02-28'] },
    [1, 2, 6],
  ],
  [
    '29 Feb does not match 28 Feb in a leap year',
    { is_anniversary: [{ var: 'birthday' }, '2024-02-28'] },
    [1],
  ],
  ['29 Feb matches 29 Feb', { is_anniversary: [{ var: 'birthday' }, '2024-02-29'] }, [2, 6]],
  ['birthday within 7 days', { '<=': [{ days_until_anniversary: [{ var: 'birthday' }] }, 7] }, [3, 4, 5]],
  [
    'birthday window across a year end',
    { '<=': [{ days_until_anniversary: [{ var: 'birthday' }, '2023-12-30'] }, 70] },
    [1, 2, 3, 6],
  ],
  ['day_of_year', { '==': [{ day_of_year: [{ var: 'birthday' }] }, 60] }, [2, 6]],
  ['decimal compares numerically with a number', { '>': [{ var: 'spent' }, 99.9] }, [4, 5]],
  ['decimal equals a number', { '==': [{ var: 'spent' }, 12.5] }, [1]],
  // Next to the double of 99.99: the exact-range SQL must round like Number('99.99').
  ['decimal just below a neighbour double', { '<': [{ var: 'spent' }, 99.99000000000001] }, [1, 2, 3, 5, 6]],
  ['decimal equals its double', { '==': [{ var: 'spent' }, 99.99] }, [5]],
  ['decimal above the previous double', { '>': [{ var: 'spent' }, 99.98999999999998] }, [4, 5]],
  ['decimal >= its double', { '>=': [{ var: 'spent' }, 99.99] }, [4, 5]],
  ['days_since equals a day count (range)', { '==': [{ days_since: [{ var: 'birthday' }] }, 8766] }, [4]],
  [
    'date_diff from a constant day (range)',
    { '>=': [{ date_diff: ['2024-01-01', { var: 'last_seen' }] }, 68] },
    [1, 2, 6],
  ],
  ['decimal string equality is textual', { '==': [{ var: 'spent' }, '12.5'] }, []],
  ['text equals a number loosely', { '==': [{ var: 'name' }, 12] }, [6]],
  ['empty text == 0', { '==': [{ var: 'name' }, 0] }, [3]],
  ['null <= 0 is true', { '<=': [{ var: 'score' }, 0] }, [2, 3, 4]],
  ['boolean == 1', { '==': [{ var: 'vip' }, 1] }, [1, 4]],
  ['truthy decimal "0.00"', { '!!': [{ var: 'spent' }] }, [1, 2, 4, 5, 6]],
  ['truthy tags', { '!!': [{ var: 'tags' }] }, [1, 4, 5, 6]],
  ['not', { '!': [{ var: 'vip' }] }, [2, 3, 5, 6]],
  [
    'if chain',
    { if: [{ '>': [{ var: 'score' }, 50] }, true, { '<': [{ var: 'score' }, 0] }, true, false] },
    [4, 5],
  ],
  ['strict equality', { '===': [{ var: 'score' }, 12] }, [6]],
  ['strict equality across types', { '===': [{ var: 'name' }, 12] }, []],
  ['text ordering is by code unit', { '<': [{ var: 'name' }, 'a'] }, [1, 3, 5, 6]],
  ['context var', { '==': [{ var: '$user.store' }, 'sh-01'] }, [1, 2, 3, 4, 5, 6]],
]

describe('operator cases are well formed', () => {
  it('every case compiles in JS', () => {
    for (const [, logic] of CASES) expect(() => compileCondition(logic)).not.toThrow()
  })
})

describeEachDatabase(
  'condition operators in SQL and JS',
  (ctx) => {
    let records: Array<Record<string, unknown>> = []
    const db = () => ctx.database.db as unknown as Kysely<unknown>

    it('creates the records table', async () => {
      await setUp(db())
      records = (await sql<Record<string, unknown>>`select * from r order by id`.execute(db())).rows
      expect(records).toHaveLength(ROWS.length)
    })

    it.each(CASES)('%s', async (_title, logic, expected, overrides) => {
      const s = scope(overrides)
      const where = conditionToSql(logic, s)
      const { rows } = await sql<{ id: number }>`select r.id from r where ${where} order by r.id`.execute(
        db(),
      )
      const condition = compileCondition(logic, { timeZone: s.timeZone ?? 'Asia/Shanghai' })
      const jsIds = records
        .filter((record) => {
          const value = condition(record, { ...s.context, now: NOW })
          return Array.isArray(value) ? value.length > 0 : !!value
        })
        .map((record) => record.id)
      expect({ sql: rows.map((row) => row.id), js: jsIds }).toEqual({ sql: expected, js: expected })
    })
  },
  { migrate: false },
)
