import { PGlite } from '@electric-sql/pglite'
import { Kysely, PGliteDialect, PostgresDialect } from 'kysely'
import fs from 'node:fs'
import path from 'node:path'
import pg from 'pg'
import type { PlatformTables } from './tables.js'

export type DatabaseKind = 'pglite' | 'postgresql'

/** The one handle the server holds on storage: same kysely API over PGlite or PostgreSQL. */
export interface Database {
  readonly kind: DatabaseKind
  readonly db: Kysely<PlatformTables>
  close(): Promise<void>
}

export interface DatabaseOptions {
  /** PostgreSQL connection string; unset → PGlite. */
  url?: string | undefined
  /** PGlite data folder; `undefined` with no url → an in-memory PGlite (tests). */
  dataDir?: string | undefined
  poolSize?: number
  /** PostgreSQL `statement_timeout` of every pooled connection, in ms; 0 or unset = none. */
  statementTimeoutMs?: number
}

// Return NUMERIC and BIGINT as strings (exact money, ids beyond 2^53) and DATE as 'YYYY-MM-DD',
// identically on both backends, so no code path depends on which database it runs on.
pg.types.setTypeParser(pg.types.builtins.DATE, (value) => value)
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => value)
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (value) => value)

const pgliteParsers = {
  1082: (value: string) => value, // date
  20: (value: string) => value, // int8
  1700: (value: string) => value, // numeric
}

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  if (options.url) {
    const pool = new pg.Pool({
      connectionString: options.url,
      max: options.poolSize ?? 10,
      ...(options.statementTimeoutMs ? { statement_timeout: options.statementTimeoutMs } : {}),
    })
    // A connection the server closes (a PostgreSQL restart, a dropped database) must not crash the process.
    // pg emits the error on the pool for idle connections and on the client itself for checked-out ones
    // (between the statements of a transaction, say): a client with no listener would throw it as an
    // uncaught exception. The statement in flight, if any, fails on its own; a broken client is not
    // queryable and is dropped by the pool when released, so the next query gets a fresh connection.
    pool.on('error', () => {})
    pool.on('connect', (client) => client.on('error', () => {}))
    const db = new Kysely<PlatformTables>({ dialect: new PostgresDialect({ pool }) })
    return { kind: 'postgresql', db, close: () => db.destroy() }
  }
  let dataDir: string | undefined
  if (options.dataDir) {
    dataDir = path.join(options.dataDir, 'pglite')
    fs.mkdirSync(dataDir, { recursive: true })
  }
  const pglite = await PGlite.create({ ...(dataDir ? { dataDir } : {}), parsers: pgliteParsers })
  const db = new Kysely<PlatformTables>({ dialect: new PGliteDialect({ pglite }) })
  return {
    kind: 'pglite',
    db,
    // kysely's PGlite driver closes the PGlite instance on destroy.
    close: () => db.destroy(),
  }
}
