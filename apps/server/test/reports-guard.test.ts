import { sql } from 'kysely'
import { expect, it } from 'vitest'
import { runGuarded } from '../src/reports/run-guarded.js'
import { describeEachDatabase } from './support/databases.js'

const settings =
  "select current_setting('work_mem') as mem, current_setting('statement_timeout') as timeout, current_setting('jit') as jit"

describeEachDatabase('the report guard’s session settings', (ctx) => {
  it('sets work_mem, statement_timeout and (when the query asks) jit off for the report’s own transaction only', async () => {
    const db = ctx.database.db as never
    const inside = await runGuarded<{ mem: string; timeout: string; jit: string }>(
      db,
      { sql: settings, parameters: [], jit: false },
      15_000,
      64,
    )
    expect(inside).toEqual([{ mem: '64MB', timeout: '15s', jit: 'off' }])
    const { rows } = await sql.raw<{ mem: string; jit: string }>(settings).execute(ctx.database.db)
    expect(rows[0]!.mem).not.toBe('64MB')
    expect(rows[0]!.jit).toBe('on')
  })

  it('leaves jit as the server has it when the query does not turn it off', async () => {
    const inside = await runGuarded<{ jit: string }>(
      ctx.database.db as never,
      { sql: settings, parameters: [] },
      15_000,
    )
    expect(inside[0]!.jit).toBe('on')
  })
})
