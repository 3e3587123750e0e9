import { CompiledQuery, sql } from 'kysely'
import type { DynamicDb } from '../db/dynamic.js'
import { AppError } from '../http/errors.js'

/** PostgreSQL's SQLSTATE for a statement cancelled by statement_timeout. */
const QUERY_CANCELED = '57014'

/**
 * Runs compiled report SQL in a read-only transaction with `statement_timeout` (and, when given, `work_mem`)
 * set for it alone (`set_config(…, true)` is SET LOCAL, which takes no parameters), turning a timeout into
 * PIVOT_TIMEOUT.
 */
export async function runGuarded<Row>(
  db: DynamicDb,
  query: { sql: string; parameters: readonly unknown[] },
  timeoutMs: number,
  workMemMb?: number,
): Promise<Row[]> {
  try {
    return await db.transaction().execute(async (trx) => {
      const timeout = String(Math.max(1, Math.floor(timeoutMs)))
      const memory = workMemMb ? `${Math.max(1, Math.min(Math.floor(workMemMb), 2048))}MB` : undefined
      await (
        memory
          ? sql`select set_config('statement_timeout', ${timeout}, true), set_config('work_mem', ${memory}, true)`
          : sql`select set_config('statement_timeout', ${timeout}, true)`
      ).execute(trx)
      const result = await trx.executeQuery<Row>(CompiledQuery.raw(query.sql, [...query.parameters]))
      return result.rows
    })
  } catch (error) {
    if ((error as { code?: unknown }).code === QUERY_CANCELED)
      throw new AppError(422, 'PIVOT_TIMEOUT', `The report took longer than ${timeoutMs} ms and was stopped`)
    throw error
  }
}
