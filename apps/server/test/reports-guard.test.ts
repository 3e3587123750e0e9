import { sql } from 'kysely'
import { expect, it } from 'vitest'
import { runGuarded } from '../src/reports/run-guarded.js'
import { describeEachDatabase } from './support/databases.js'

describeEachDatabase('the report guard’s session settings', (ctx) => {
  it('sets work_mem and statement_timeout for the report’s own transaction only', async () => {
    const db = ctx.database.db as never
    const settings =
      "select current_setting('work_mem') as mem, current_setting('statement_timeout') as timeout"
    const inside = await runGuarded<{ mem: string; timeout: string }>(
      db,
      { sql: settings, parameters: [] },
      15_000,
      64,
    )
    expect(inside).toEqual([{ mem: '64MB', timeout: '15s' }])
    const { rows } = await sql.raw<{ mem: string }>(settings).execute(ctx.database.db)
    expect(rows[0]!.mem).not.toBe('64MB')
  })
})
