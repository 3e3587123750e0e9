import fc from 'fast-check'
import { sql, type Kysely } from 'kysely'
import { ConditionError, conditionToSql, type SqlScope } from '@trellis/rule-engine'
import { expect, it } from 'vitest'
import { describeEachDatabase } from './support/databases.js'

/**
 * Hostile field names and values never become SQL text: names resolve only through the scope
 * (its columns are the server's trusted identifiers) and values are bind parameters. Each
 * generated query either runs on the database or is refused with a ConditionError at compile time.
 */

const VALUE_MARK = '⟦'
const KEY_MARK = '⟪'
const NASTY = [
  "'",
  '"',
  ';',
  '--',
  '/*',
  '*/',
  '$1',
  '$$',
  '\\',
  '\\u0027',
  '\u0000',
  '`',
  ')',
  '(',
  "E'",
  '%',
  '_',
  '中',
  '😀',
  '\u202e',
  '\n',
  ' or 1=1',
  'drop table r',
]

const nasty = fc
  .array(fc.oneof(fc.constantFrom(...NASTY), fc.string({ unit: 'binary', maxLength: 4 })), { maxLength: 5 })
  .map((parts) => parts.join(''))
const hostileValue = nasty.map((s) => `${VALUE_MARK}${s}`)
const hostileKey = nasty.map((s) => `${KEY_MARK}${s}`)

const COLUMNS = [
  { column: 'r.t', type: 'text' },
  { column: 'r.n', type: 'number' },
  { column: 'r.tags', type: 'text_array' },
  { column: 'r.day', type: 'date' },
] as const

const scenario = fc
  .record({
    keys: fc.uniqueArray(hostileKey, { minLength: 4, maxLength: 4 }),
    values: fc.array(hostileValue, { minLength: 3, maxLength: 3 }),
    shape: fc.integer({ min: 0, max: 9 }),
    unknownKey: hostileKey,
  })
  .map(({ keys, values, shape, unknownKey }) => {
    const fields: SqlScope['fields'] = {}
    keys.forEach((key, i) => (fields[key] = { ...COLUMNS[i]! }))
    const [t, n, tags, day] = keys.map((key) => ({ var: key }))
    const [a, b, c] = values
    const shapes = [
      { '==': [t, a] },
      { or: [{ contains: [t, a] }, { istarts_with: [t, b] }, { ends_with: [t, c] }] },
      { in: [t, [a, b, c]] },
      { has_any: [tags, [a, b]] },
      { and: [{ '<': [t, a] }, { '!=': [n, b] }, { between: [day, c, a] }] },
      { in: [{ var: '$user.store' }, tags] },
      { '==': [{ var: unknownKey }, a] },
      { '>': [n, a] },
      { has_all: [tags, { var: '$user.tags' }] },
      { if: [{ in: [a, t] }, { '==': [{ var: '$user.store' }, t] }, { is_empty: [tags] }] },
    ]
    return { fields, logic: shapes[shape]!, values, context: { user: { store: b, tags: [c, a] } } }
  })

describeEachDatabase(
  'hostile names and values stay out of the SQL text',
  (ctx) => {
    const db = () => ctx.database.db as unknown as Kysely<unknown>

    it('creates the table', async () => {
      await sql`create table r (t text, n double precision, tags text[], day date)`.execute(db())
      await sql`insert into r values ('x', 1, array['a'], '2024-01-01'), (null, null, null, null)`.execute(
        db(),
      )
    })

    it(
      'compiles to parameters only, and the query runs or is refused cleanly',
      { timeout: 120_000 },
      async () => {
        let ran = 0
        let refused = 0
        await fc.assert(
          fc.asyncProperty(scenario, async ({ fields, logic, context }) => {
            let where
            try {
              where = conditionToSql(logic, { fields, context, now: new Date('2024-03-10T00:00:00Z') })
            } catch (error) {
              expect(error).toBeInstanceOf(ConditionError)
              expect((error as ConditionError).code).toMatch(/^(unknown_field|invalid_value|type_mismatch)$/)
              refused++
              return
            }
            const query = sql`select count(*) as n from r where ${where}`
            const compiled = query.compile(db())
            expect(compiled.sql).not.toContain(VALUE_MARK)
            expect(compiled.sql).not.toContain(KEY_MARK)
            expect(compiled.sql).not.toContain('drop table')
            await query.execute(db())
            ran++
          }),
          { numRuns: 300 },
        )
        // Both outcomes are exercised, so neither branch is vacuous.
        expect(ran).toBeGreaterThan(100)
        expect(refused).toBeGreaterThan(10)
        const { rows } = await sql<{ n: string }>`select count(*) as n from r`.execute(db())
        expect(Number(rows[0]!.n)).toBe(2)
      },
    )
  },
  { migrate: false },
)
