import { sql } from 'kysely'
import { expect, it } from 'vitest'
import { AppService } from '../src/apps/app-service.js'
import { installOnFirstStart } from '../src/templates/first-start.js'
import { describeEachDatabase } from './support/databases.js'

describeEachDatabase('the quick start installs the CRM template on first start', (ctx) => {
  const said: string[] = []
  const say = (line: string) => said.push(line)

  it('does nothing when TRELLIS_DEMO=0', async () => {
    expect(
      await installOnFirstStart(ctx.database.db, { TRELLIS_DEMO: '0' }, say, { size: 50 }),
    ).toBeUndefined()
    expect(await new AppService(ctx.database.db).list()).toEqual([])
  })

  it('installs the app with demo data when there is no app yet, and says so', async () => {
    const result = await installOnFirstStart(ctx.database.db, {}, say, { size: 50 })
    expect(result).toMatchObject({ app: 'crm', version: 1 })
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from app_crm.customers`.execute(
      ctx.database.db,
    )
    expect(rows[0]!.n).toBe(result!.demo!.counts.customers)
    expect(said.at(-1)).toMatch(
      /^Installed template crm-retention as app "crm" with demo data: \d+ customers/,
    )
  }, 120_000)

  it('leaves an existing installation alone on the next start', async () => {
    expect(await installOnFirstStart(ctx.database.db, {}, say, { size: 50 })).toBeUndefined()
    expect((await new AppService(ctx.database.db).list()).map((a) => a.key)).toEqual(['crm'])
  })
})
