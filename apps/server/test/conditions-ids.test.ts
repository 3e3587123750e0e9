import { compileCondition, conditionToSql, type SqlScope } from '@trellis/rule-engine'
import { sql } from 'kysely'
import { beforeAll, expect, it } from 'vitest'
import { describeEachDatabase } from './support/databases.js'

// Ids and relations are strings in JSON but bigint columns: conditions must agree on both sides.
const scope: SqlScope = {
  fields: {
    id: { column: 'id', type: 'text', storedAs: 'bigint' },
    parent: { column: 'parent', type: 'text', storedAs: 'bigint' },
  },
}
const rows = [
  { id: '1', parent: '3' },
  { id: '3', parent: null },
  { id: '12', parent: '12' },
]
const conditions: unknown[] = [
  { '==': [{ var: 'id' }, '3'] },
  { '==': [{ var: 'id' }, 3] },
  { '===': [{ var: 'id' }, '3'] },
  { '===': [{ var: 'id' }, 3] },
  { '==': [{ var: 'id' }, '03'] },
  { '==': [{ var: 'parent' }, 'abc'] },
  { '!=': [{ var: 'parent' }, '12'] },
  { in: [{ var: 'parent' }, ['3', '12', 'x']] },
  { in: [{ var: 'parent' }, [3, 12]] },
  { in: [{ var: 'id' }, []] },
  { starts_with: [{ var: 'id' }, '1'] },
  { '==': [{ var: 'parent' }, { var: 'id' }] },
  { '>': [{ var: 'id' }, '2'] },
]

describeEachDatabase('conditions on ids stored as bigint', (ctx) => {
  beforeAll(async () => {
    await sql`create table ids_test (id bigint primary key, parent bigint)`.execute(ctx.database.db)
    for (const row of rows)
      await sql`insert into ids_test values (${row.id}, ${row.parent})`.execute(ctx.database.db)
  })

  it.each(conditions.map((c) => [JSON.stringify(c), c]))(
    '%s selects the same rows in SQL as in JS',
    async (_, logic) => {
      const test = compileCondition(logic)
      const truthy = (v: unknown) => (Array.isArray(v) ? v.length > 0 : Boolean(v))
      const expected = rows.filter((row) => truthy(test(row))).map((row) => row.id)
      const { rows: got } = await sql<{
        id: string
      }>`select id from ids_test where ${conditionToSql(logic, scope)} order by id`.execute(ctx.database.db)
      expect(got.map((r) => String(r.id)).sort()).toEqual(expected.sort())
    },
  )

  it('compares the bigint column itself for equality, so its index serves it', () => {
    const compiled = sql`select 1 where ${conditionToSql({ '==': [{ var: 'id' }, '3'] }, scope)}`.compile(
      ctx.database.db,
    )
    expect(compiled.sql).toContain('"id" = cast($1 as bigint)')
    expect(compiled.sql).not.toContain('3')
  })
})
