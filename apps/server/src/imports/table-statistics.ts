import { sql } from 'kysely'
import type { DynamicDb } from '../db/dynamic.js'

/**
 * Analyzes a form's table before an import writes to it, when its statistics are missing or stale (as
 * autovacuum judges: more rows changed since the last analyze than a fifth of the table). Without
 * statistics the planner takes `deleted_at is null` to hold for one row in 200, believes the table tiny,
 * and answers an import's batch lookups and updates by reading the whole table each time (measured: a
 * batch of 2,000 updates took 3 s against 30,000 fresh rows, about 85 ms once analyzed). Run before the
 * import's transaction, so the statistics are committed for every session; the rows the import then adds
 * are counted by the planner from the table's size. `schema` and `table` come from the published app's plan.
 */
export async function analyzeIfStale(db: DynamicDb, schema: string, table: string): Promise<boolean> {
  const { rows } = await sql<{ stale: boolean | null }>`
    select c.reltuples < 0 or coalesce(s.n_mod_since_analyze, 0) > 1000 + c.reltuples / 5 as stale
    from pg_class c join pg_namespace n on n.oid = c.relnamespace
    left join pg_stat_user_tables s on s.relid = c.oid
    where n.nspname = ${schema} and c.relname = ${table}`.execute(db)
  if (!rows[0]?.stale) return false
  await sql`analyze ${sql.table(`${schema}.${table}`)}`.execute(db)
  return true
}
