import { sql } from 'kysely'
import { expect, it } from 'vitest'
import { listMigrations, migrateToLatest } from '../src/db/migrate.js'
import { describeEachDatabase } from './support/databases.js'

describeEachDatabase(
  'platform migrations',
  (ctx) => {
    it('applies every migration once, then nothing on a second run', async () => {
      expect(await migrateToLatest(ctx.database.db)).toEqual(listMigrations())
      expect(await migrateToLatest(ctx.database.db)).toEqual([])
      const { rows } = await sql<{ table_name: string }>`
        select table_name from information_schema.tables where table_schema = 'trellis' order by table_name`.execute(
        ctx.database.db,
      )
      expect(rows.map((r) => r.table_name)).toEqual(
        expect.arrayContaining([
          'app_versions',
          'apps',
          'audit_log',
          'files',
          'outbox',
          'users',
          'sessions',
          'api_tokens',
        ]),
      )
    })

    it('returns NUMERIC, BIGINT and DATE as exact strings on this backend', async () => {
      const { rows } = await sql<{ n: unknown; b: unknown; d: unknown }>`
        select 12345678901234567890.12::numeric as n, 9007199254740993::bigint as b, date '2024-02-29' as d`.execute(
        ctx.database.db,
      )
      expect(rows[0]).toEqual({ n: '12345678901234567890.12', b: '9007199254740993', d: '2024-02-29' })
    })
  },
  { migrate: false },
)
