import {
  DummyDriver,
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  sql,
  type Expression,
  type SqlBool,
} from 'kysely'
import { describe, expect, it } from 'vitest'
import { ConditionError, conditionToSql, validateCondition, type SqlScope } from '../src/index.js'

// Compiles without a connection, as the engines do; only the server holds a live Kysely.
const db = new Kysely<unknown>({
  dialect: {
    createAdapter: () => new PostgresAdapter(),
    createDriver: () => new DummyDriver(),
    createIntrospector: (k) => new PostgresIntrospector(k),
    createQueryCompiler: () => new PostgresQueryCompiler(),
  },
})

const scope: SqlScope = {
  fields: {
    name: { column: 'c.name', type: 'text' },
    spent: { column: 'c.total_spent', type: 'decimal' },
    orders: { column: 'c.orders', type: 'number' },
    tags: { column: 'c.tags', type: 'text_array' },
    birthday: { column: 'c.birthday', type: 'date' },
    last_order_at: { column: 'c.last_order_at', type: 'datetime' },
    profile: { column: 'c.profile', type: 'json' },
  },
  context: { user: { store: 'sh-01' } },
  now: new Date('2024-03-10T06:30:00.000Z'),
}

const compile = (expr: Expression<SqlBool>) => sql`select 1 where ${expr}`.compile(db)

function errorOf(fn: () => unknown): ConditionError {
  try {
    fn()
  } catch (error) {
    expect(error).toBeInstanceOf(ConditionError)
    return error as ConditionError
  }
  throw new Error('expected a ConditionError')
}

describe('conditionToSql', () => {
  it('binds every value and maps fields through the scope', () => {
    const { sql: text, parameters } = compile(
      conditionToSql(
        {
          and: [
            { '==': [{ var: 'name' }, "O'Reilly; drop table c; --"] },
            { in: [{ var: '$user.store' }, { var: 'tags' }] },
            { '>=': [{ var: 'spent' }, 1000] },
          ],
        },
        scope,
      ),
    )
    expect(text).toContain('"c"."name"')
    expect(text).toContain('"c"."total_spent"')
    expect(text).not.toContain("O'Reilly")
    expect(text).not.toContain('sh-01')
    expect(text).not.toContain('1000')
    expect(parameters).toEqual(expect.arrayContaining(["O'Reilly; drop table c; --", 'sh-01', 1000]))
  })

  it('folds data-free subtrees in JS and binds the result', () => {
    const { sql: text, parameters } = compile(
      conditionToSql({ '>=': [{ var: 'last_order_at' }, { date_add: [{ now: [] }, -30, 'days'] }] }, scope),
    )
    expect(text).not.toContain('date_add')
    expect(parameters).toContain('2024-02-09T06:30:00.000Z')
  })

  it('names the path of an unknown field', () => {
    const error = errorOf(() =>
      conditionToSql({ and: [true, { in: [{ var: 'nope' }, ['a']] }] } as unknown, scope),
    )
    expect(error).toMatchObject({ code: 'unknown_field', path: 'and.1.in.0' })
  })

  it('never reads an inherited field name', () => {
    for (const name of ['__proto__', 'constructor', 'toString', 'name.x']) {
      expect(errorOf(() => conditionToSql({ var: name }, scope)).code).toBe('unknown_field')
    }
  })

  it('refuses operators outside the SQL subset, with the path', () => {
    expect(
      errorOf(() =>
        conditionToSql({ or: [{ some: [{ var: 'tags' }, { '==': [{ var: '' }, 'x'] }] }] }, scope),
      ),
    ).toMatchObject({ code: 'unsupported_in_sql', path: 'or.0' })
    expect(errorOf(() => conditionToSql({ '>': [{ '+': [{ var: 'orders' }, 1] }, 2] }, scope))).toMatchObject(
      {
        code: 'unsupported_in_sql',
        path: '>.0',
      },
    )
    expect(errorOf(() => conditionToSql({ var: ['orders', 0] }, scope)).code).toBe('unsupported_in_sql')
  })

  it('refuses type mismatches', () => {
    expect(errorOf(() => conditionToSql({ '>': [{ var: 'tags' }, 1] }, scope))).toMatchObject({
      code: 'type_mismatch',
      path: '',
    })
    expect(errorOf(() => conditionToSql({ '<': [{ var: 'spent' }, { var: 'spent' }] }, scope)).code).toBe(
      'type_mismatch',
    )
    expect(errorOf(() => conditionToSql({ contains: [{ var: 'orders' }, '1'] }, scope)).path).toBe(
      'contains.0',
    )
    expect(errorOf(() => conditionToSql({ has_any: [{ var: 'name' }, ['a']] }, scope)).code).toBe(
      'type_mismatch',
    )
  })

  it('refuses and/or/if where their value (not just their truth) matters', () => {
    expect(
      errorOf(() => conditionToSql({ '==': [{ or: [{ var: 'name' }, 'x'] }, 'x'] }, scope)),
    ).toMatchObject({ code: 'unsupported_in_sql', path: '==.0' })
    // …but a boolean-valued `and` may be compared.
    expect(() =>
      conditionToSql(
        { '==': [{ and: [{ '>': [{ var: 'orders' }, 1] }, { '!': [{ var: 'name' }] }] }, false] },
        scope,
      ),
    ).not.toThrow()
  })

  it('refuses malformed logic and deep nesting at compile time', () => {
    expect(errorOf(() => conditionToSql({ and: [{ nope: [] }] }, scope))).toMatchObject({
      code: 'unknown_operator',
      path: 'and.0',
    })
    let deep: unknown = { var: 'name' }
    for (let i = 0; i < 10_000; i++) deep = { '!': [deep] }
    expect(errorOf(() => conditionToSql(deep, scope)).code).toBe('too_deep')
  })

  it('refuses an unknown time zone', () => {
    expect(errorOf(() => conditionToSql(true, { ...scope, timeZone: 'Mars/Olympus' })).code).toBe(
      'invalid_time_zone',
    )
  })
})

describe('validateCondition', () => {
  it('reports every issue with its path', () => {
    const issues = validateCondition(
      {
        and: [
          { '>': [{ var: 'tags' }, 3] },
          { '==': [{ var: 'missing_field' }, 1] },
          { map: [{ var: 'tags' }, 1] },
          { '==': [{ var: 'name' }, 'ok'] },
          { date_add: [{ var: 'birthday' }, 1, 'eons'] },
        ],
      },
      scope,
    )
    expect(issues.map((i) => [i.code, i.path])).toEqual([
      ['type_mismatch', 'and.0'],
      ['unknown_field', 'and.1.==.0'],
      ['unsupported_in_sql', 'and.2'],
      ['invalid_argument', 'and.4.date_add.2'],
    ])
    for (const issue of issues) expect(issue.message).toBeTruthy()
  })

  it('returns nothing for a valid condition and the parse error for a malformed one', () => {
    expect(validateCondition({ has_all: [{ var: 'tags' }, ['vip']] }, scope)).toEqual([])
    expect(validateCondition({ '!': [1, 2] }, scope)).toEqual([
      expect.objectContaining({ code: 'wrong_arity', path: '' }),
    ])
  })
})
