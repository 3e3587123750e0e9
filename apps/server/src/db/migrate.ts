import type { Kysely } from 'kysely'
import { Migrator, type Migration, type MigrationProvider, type MigrationResultSet } from 'kysely/migration'
import * as platform0001 from './migrations/0001-platform.js'
import * as files0002 from './migrations/0002-files.js'
import * as jobs0003 from './migrations/0003-jobs.js'
import * as auth0006 from './migrations/0006-auth.js'
import * as privacy0007 from './migrations/0007-privacy.js'
import * as flows0008 from './migrations/0008-flows.js'
import * as reports0009 from './migrations/0009-reports.js'
import * as flowStarts0010 from './migrations/0010-flow-starts.js'
import * as importJobs0011 from './migrations/0011-import-jobs.js'
import * as webhooks0011 from './migrations/0011-webhooks.js'
import * as messageDelivery0013 from './migrations/0013-message-delivery.js'
import * as savedViews0014 from './migrations/0014-saved-views.js'
import * as auditImport0016 from './migrations/0016-audit-import-batches.js'
import * as flowWrite0017 from './migrations/0017-flow-write.js'
import * as flowWriteLean0018 from './migrations/0018-flow-write-lean.js'

/**
 * Migrations are listed in code rather than read from a folder, so the bundled server
 * (one file in dist/) carries them. Names sort in order of application.
 */
const migrations: Record<string, Migration> = {
  '0001-platform': platform0001,
  '0002-files': files0002,
  '0003-jobs': jobs0003,
  '0006-auth': auth0006,
  '0007-privacy': privacy0007,
  '0008-flows': flows0008,
  '0009-reports': reports0009,
  '0010-flow-starts': flowStarts0010,
  '0011-import-jobs': importJobs0011,
  '0011-webhooks': webhooks0011,
  '0013-message-delivery': messageDelivery0013,
  '0014-saved-views': savedViews0014,
  '0016-audit-import-batches': auditImport0016,
  '0017-flow-write': flowWrite0017,
  '0018-flow-write-lean': flowWriteLean0018,
}

const provider: MigrationProvider = { getMigrations: async () => migrations }

export class MigrationError extends Error {
  readonly code = 'MIGRATION_FAILED'
}

/** Brings the platform tables to the latest version; returns the names applied now. */
// Kysely<any> is kysely's own type for a migrator's handle: migrations see no table types.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function migrateToLatest(db: Kysely<any>): Promise<string[]> {
  const result: MigrationResultSet = await migratorOf(db).migrateToLatest()
  if (result.error) {
    const failed = result.results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown'
    throw new MigrationError(`Migration ${failed} failed: ${(result.error as Error).message}`, {
      cause: result.error,
    })
  }
  return (result.results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName)
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see migrateToLatest
function migratorOf(db: Kysely<any>): Migrator {
  return new Migrator({
    db,
    provider,
    migrationTableName: 'trellis_migrations',
    migrationLockTableName: 'trellis_migrations_lock',
    // Migrations are numbered by feature and can land in any order across branches.
    allowUnorderedMigrations: true,
  })
}

/** Names of the platform migrations this build carries that the database has not applied yet. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see migrateToLatest
export async function pendingMigrations(db: Kysely<any>): Promise<string[]> {
  const all = await migratorOf(db).getMigrations()
  return all.filter((migration) => migration.executedAt === undefined).map((migration) => migration.name)
}

export function listMigrations(): string[] {
  return Object.keys(migrations).sort()
}
