import {
  applyArchives,
  FormEngineError,
  planAppMigration,
  validateApp,
  type AppDefinition,
  type MigrationStep,
} from '@trellis/form-engine'
import type { Kysely, Transaction } from 'kysely'
import type { PlatformTables } from '../db/tables.js'
import { AppError } from '../http/errors.js'
import { appSchemaName, assertAppKey } from './app-keys.js'
import { applyMigration } from './apply-migration.js'
import { PublishedApp } from './published-app.js'
import { carryTombstones } from './tombstones.js'

export interface AppSummary {
  key: string
  name: Record<string, string>
  publishedVersion: number | null
  createdAt: string
  updatedAt: string
}

export interface PublishResult {
  version: number
  steps: MigrationStep[]
}

const iso = (value: Date | string) =>
  value instanceof Date ? value.toISOString() : new Date(value).toISOString()

/**
 * Apps: drafts, validation, versioned publishing (migration plan applied in one transaction) and the
 * cache of published definitions. The cache is keyed by version and checked against the database on
 * every use, so a publish by another process is seen at once.
 */
export class AppService {
  private readonly published = new Map<string, PublishedApp>()
  private readonly checkedAt = new Map<string, number>()

  /**
   * @param freshnessMs how long a published version, once checked against the database, is trusted without
   *   asking again. A publish in this process is seen at once; one in another process within this window
   *   (a write that meets a changed table in between is refused with 409 APP_CHANGED and retried by the client).
   */
  constructor(
    private readonly db: Kysely<PlatformTables>,
    private readonly freshnessMs = 1000,
  ) {}

  /** Drops the cached published version of an app (after a publish, or a write that met a changed table). */
  forget(key: string): void {
    this.published.delete(key)
    this.checkedAt.delete(key)
  }

  async list(): Promise<AppSummary[]> {
    const rows = await this.db.selectFrom('trellis.apps').selectAll().orderBy('key').execute()
    return rows.map((row) => ({
      key: row.key,
      name: row.name,
      publishedVersion: row.published_version,
      createdAt: iso(row.created_at),
      updatedAt: iso(row.updated_at),
    }))
  }

  async create(definition: AppDefinition): Promise<AppSummary> {
    assertAppKey(definition.key, 'key')
    const existing = await this.db
      .selectFrom('trellis.apps')
      .select('key')
      .where('key', '=', definition.key)
      .executeTakeFirst()
    if (existing)
      throw new AppError(409, 'APP_EXISTS', `An app with key "${definition.key}" already exists`, 'key')
    await this.db
      .insertInto('trellis.apps')
      .values({
        key: definition.key,
        name: JSON.stringify(definition.name),
        draft: JSON.stringify(definition),
      })
      .execute()
    return (await this.summary(definition.key))!
  }

  async summary(key: string): Promise<AppSummary | undefined> {
    const row = await this.db.selectFrom('trellis.apps').selectAll().where('key', '=', key).executeTakeFirst()
    if (!row) return undefined
    return {
      key: row.key,
      name: row.name,
      publishedVersion: row.published_version,
      createdAt: iso(row.created_at),
      updatedAt: iso(row.updated_at),
    }
  }

  async draft(key: string): Promise<AppDefinition> {
    const row = await this.db
      .selectFrom('trellis.apps')
      .select('draft')
      .where('key', '=', key)
      .executeTakeFirst()
    if (!row) throw notFound(key)
    return row.draft as AppDefinition
  }

  async saveDraft(key: string, definition: AppDefinition): Promise<void> {
    if (definition.key !== key) {
      throw new AppError(
        400,
        'APP_KEY_MISMATCH',
        `The definition's key "${definition.key}" is not "${key}"`,
        'key',
      )
    }
    const result = await this.db
      .updateTable('trellis.apps')
      .set({
        draft: JSON.stringify(definition),
        name: JSON.stringify(definition.name),
        updated_at: new Date(),
      })
      .where('key', '=', key)
      .executeTakeFirst()
    if (result.numUpdatedRows === 0n) throw notFound(key)
  }

  async validate(key: string) {
    return validateApp(await this.draft(key))
  }

  /** The steps publishing the current draft would run, with the risky ones flagged. */
  async plan(key: string): Promise<MigrationStep[]> {
    const draft = await this.draft(key)
    const previous = await this.publishedDefinition(this.db, key)
    return planOrThrow(previous, carryTombstones(previous, draft))
  }

  /**
   * Publishes the draft: validation, the migration plan applied in one transaction together with the
   * new version row. A plan with lossy steps runs only when `confirm` lists exactly those steps.
   */
  async publish(
    key: string,
    confirm: readonly string[] | undefined,
    actor: string | null,
  ): Promise<PublishResult> {
    this.forget(key)
    const result = await this.db.transaction().execute(async (trx) => {
      const app = await trx
        .selectFrom('trellis.apps')
        .select(['draft', 'published_version'])
        .where('key', '=', key)
        .forUpdate()
        .executeTakeFirst()
      if (!app) throw notFound(key)
      const draft = app.draft as AppDefinition
      const issues = validateApp(draft)
      if (issues.length) {
        throw new AppError(
          400,
          'APP_INVALID',
          `The app has ${issues.length} problem(s)`,
          issues[0]?.path,
          issues,
        )
      }
      const previous = await this.publishedDefinition(trx, key)
      const next = carryTombstones(previous, draft)
      const steps = planOrThrow(previous, next)
      const lossy = steps.filter((step) => step.lossy).map((step) => step.id)
      const confirmed = new Set(confirm ?? [])
      if (lossy.length !== confirmed.size || lossy.some((id) => !confirmed.has(id))) {
        throw new AppError(
          409,
          'CONFIRMATION_REQUIRED',
          lossy.length
            ? `Publishing would run ${lossy.length} step(s) that could lose or change data; confirm exactly: ${lossy.join(', ')}`
            : 'Nothing to confirm: this plan has no risky steps',
          'confirm',
          { lossy, steps },
        )
      }
      const published = applyArchives(previous, next)
      await applyMigration(trx, appSchemaName(key), steps, previous, published)
      const version = (app.published_version ?? 0) + 1
      await trx
        .insertInto('trellis.app_versions')
        .values({ app_key: key, version, definition: JSON.stringify(published), published_by: actor })
        .execute()
      await trx
        .updateTable('trellis.apps')
        .set({ published_version: version, updated_at: new Date() })
        .where('key', '=', key)
        .execute()
      return { version, steps }
    })
    this.forget(key)
    return result
  }

  async versions(key: string) {
    if (!(await this.summary(key))) throw notFound(key)
    const rows = await this.db
      .selectFrom('trellis.app_versions')
      .select(['version', 'published_at', 'published_by'])
      .where('app_key', '=', key)
      .orderBy('version', 'desc')
      .execute()
    return rows.map((row) => ({
      version: row.version,
      publishedAt: iso(row.published_at),
      publishedBy: row.published_by,
    }))
  }

  /** The published app, compiled (validators, scopes, column plans), for the records API. */
  /**
   * @param db pass the caller's transaction when it holds one: on PGlite (one connection) a check through
   *   `this.db` would wait for that transaction forever.
   */
  async requirePublished(
    key: string,
    db: Kysely<PlatformTables> | Transaction<PlatformTables> = this.db,
  ): Promise<PublishedApp> {
    const fresh = this.published.get(key)
    if (fresh && Date.now() - (this.checkedAt.get(key) ?? 0) < this.freshnessMs) return fresh
    const row = await db
      .selectFrom('trellis.apps')
      .select('published_version')
      .where('key', '=', key)
      .executeTakeFirst()
    if (!row) throw notFound(key)
    if (row.published_version === null) {
      throw new AppError(409, 'APP_NOT_PUBLISHED', `App "${key}" has no published version yet`)
    }
    const cached = this.published.get(key)
    this.checkedAt.set(key, Date.now())
    if (cached && cached.version === row.published_version) return cached
    const version = await db
      .selectFrom('trellis.app_versions')
      .select('definition')
      .where('app_key', '=', key)
      .where('version', '=', row.published_version)
      .executeTakeFirstOrThrow()
    const app = new PublishedApp(version.definition as AppDefinition, row.published_version, () =>
      this.forget(key),
    )
    this.published.set(key, app)
    return app
  }

  private async publishedDefinition(
    db: Kysely<PlatformTables> | Transaction<PlatformTables>,
    key: string,
  ): Promise<AppDefinition | undefined> {
    const row = await db
      .selectFrom('trellis.apps')
      .innerJoin('trellis.app_versions', (join) =>
        join
          .onRef('trellis.app_versions.app_key', '=', 'trellis.apps.key')
          .onRef('trellis.app_versions.version', '=', 'trellis.apps.published_version'),
      )
      .select('trellis.app_versions.definition')
      .where('trellis.apps.key', '=', key)
      .executeTakeFirst()
    return row?.definition as AppDefinition | undefined
  }
}

/** A plan the form engine cannot make (an incompatible type change) is the client's to fix: 400 with paths. */
function planOrThrow(previous: AppDefinition | undefined, next: AppDefinition): MigrationStep[] {
  try {
    return planAppMigration(previous, next)
  } catch (error) {
    if (error instanceof FormEngineError) {
      throw new AppError(400, 'PLAN_INVALID', error.message, error.path, error.issues)
    }
    throw error
  }
}

function notFound(key: string): AppError {
  return new AppError(404, 'APP_NOT_FOUND', `No app with key "${key}"`)
}
