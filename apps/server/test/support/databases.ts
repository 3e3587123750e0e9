import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { describe, inject, afterAll, beforeAll } from 'vitest'
import { openDatabase, type Database, type DatabaseKind } from '../../src/db/database.js'
import { migrateToLatest } from '../../src/db/migrate.js'

/**
 * Every database test runs once per backend, in the style of kysely's DIALECTS list.
 * TRELLIS_TEST_DATABASES=pglite,postgresql filters; TRELLIS_TEST_POSTGRES_URL points at the server.
 */
export const ALL_DATABASES: readonly DatabaseKind[] = ['pglite', 'postgresql']

export const postgresAdminUrl =
  process.env.TRELLIS_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test'

async function postgresReachable(): Promise<boolean> {
  const client = new pg.Client({ connectionString: postgresAdminUrl, connectionTimeoutMillis: 3000 })
  try {
    await client.connect()
    await client.query('select 1')
    return true
  } catch {
    return false
  } finally {
    await client.end().catch(() => {})
  }
}

export async function resolveTestDatabases(): Promise<{ names: DatabaseKind[]; note?: string }> {
  const requested = (process.env.TRELLIS_TEST_DATABASES ?? ALL_DATABASES.join(','))
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
  for (const name of requested) {
    if (!ALL_DATABASES.includes(name as DatabaseKind))
      throw new Error(`TRELLIS_TEST_DATABASES: unknown database "${name}"`)
  }
  const names = requested as DatabaseKind[]
  if (!names.includes('postgresql') || (await postgresReachable())) return { names }
  if (process.env.TRELLIS_TEST_DATABASES || process.env.TRELLIS_REQUIRE_POSTGRES) {
    throw new Error(`PostgreSQL was requested but is not reachable at ${postgresAdminUrl}`)
  }
  return {
    names: names.filter((n) => n !== 'postgresql'),
    note: `PostgreSQL is not reachable at ${postgresAdminUrl}, so it is SKIPPED`,
  }
}

export function testDatabases(): DatabaseKind[] {
  return inject('trellisDatabases') as DatabaseKind[]
}

/**
 * A fresh, migrated database for one test file: an in-memory PGlite, or a new PostgreSQL
 * database (dropped afterwards) so files run in parallel and app schemas never collide.
 */
export async function createTestDatabase(
  kind: DatabaseKind,
  options: { migrate?: boolean } = {},
): Promise<Database> {
  let database: Database
  if (kind === 'pglite') {
    database = await openDatabase({})
  } else {
    const name = `trellis_test_${randomBytes(6).toString('hex')}`
    const admin = new pg.Client({ connectionString: postgresAdminUrl })
    await admin.connect()
    try {
      await admin.query(`create database ${name}`)
    } finally {
      await admin.end()
    }
    const url = new URL(postgresAdminUrl)
    url.pathname = `/${name}`
    const opened = await openDatabase({ url: url.toString(), poolSize: 5 })
    database = {
      kind: opened.kind,
      db: opened.db,
      close: async () => {
        await opened.close()
        const dropper = new pg.Client({ connectionString: postgresAdminUrl })
        await dropper.connect()
        try {
          await dropper.query(`drop database if exists ${name} with (force)`)
        } finally {
          await dropper.end()
        }
      },
    }
  }
  if (options.migrate !== false) await migrateToLatest(database.db)
  return database
}

/**
 * `describeEachDatabase('records', (ctx) => { it(..., () => ctx.database.db ...) })` runs the
 * block once per backend, each with its own fresh database.
 */
export function describeEachDatabase(
  title: string,
  body: (ctx: { readonly database: Database; readonly kind: DatabaseKind }) => void,
  options: { migrate?: boolean } = {},
): void {
  for (const kind of testDatabases()) {
    describe(`${kind}: ${title}`, () => {
      let database: Database | undefined
      const ctx = {
        kind,
        get database(): Database {
          if (!database) throw new Error('test database not ready')
          return database
        },
      }
      beforeAll(async () => {
        database = await createTestDatabase(kind, options)
      })
      afterAll(async () => {
        await database?.close()
      })
      body(ctx)
    })
  }
}
