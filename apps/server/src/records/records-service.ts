import type { Kysely } from 'kysely'
import type { AppService } from '../apps/app-service.js'
import type { AccessService } from '../auth/access-service.js'
import type { DynamicDb } from '../db/dynamic.js'
import type { PlatformTables } from '../db/tables.js'
import { AppError } from '../http/errors.js'
import type { RecordJson } from './record-json.js'
import { RecordReader, type ListOptions, type ListResult } from './record-reader.js'
import { VisibleRollups } from './visible-rollups.js'
import { WriteBatcher } from './write-batcher.js'
import type { JournaledRow } from './journal.js'
import { RecordWriter, type WriteContext } from './record-store.js'

export const maxBulk = 1000

/** The server itself acting (rules, template installs): full access, no actor. */
const system: WriteContext = { actor: null }

export interface BulkUpdateItem {
  id: string
  version: number
  values: Record<string, unknown>
}

/** The records API's use cases: resolves the published form, opens the transaction, delegates. */
export class RecordsService {
  private readonly db: DynamicDb

  /** Concurrent single creates share statements under load (group commit); see WriteBatcher. */
  private readonly creates: WriteBatcher<unknown[], JournaledRow>

  constructor(
    db: Kysely<PlatformTables>,
    private readonly apps: AppService,
    private readonly access: AccessService,
    /** Create statements per form running at once before further creates wait and go together. */
    createsInFlight = 2,
  ) {
    this.db = db as unknown as DynamicDb
    this.creates = new WriteBatcher(createsInFlight)
  }

  /** The published form with the viewer's access resolved: every method below goes through here. */
  private async open(appKey: string, formKey: string, ctx: WriteContext) {
    const app = await this.apps.requirePublished(appKey)
    const accessOf = await this.access.resolver(app, ctx.viewer)
    const form = app.form(formKey)
    return {
      app,
      form,
      accessOf,
      reader: new RecordReader(app, form, accessOf),
      writer: new RecordWriter(
        app,
        form,
        accessOf(form),
        this.creates,
        new VisibleRollups(app, form, accessOf),
      ),
    }
  }

  async create(appKey: string, formKey: string, values: unknown, ctx: WriteContext): Promise<RecordJson> {
    const { writer } = await this.open(appKey, formKey, ctx)
    const prepared = writer.prepareCreate(values)
    // No transaction here: the writer opens one only when the write feeds rollups; otherwise its one
    // statement (row, audit entry and outbox event) is atomic by itself.
    return writer.create(this.db, prepared, ctx)
  }

  /** All or nothing: every item is validated first (all errors reported), then written in one transaction. */
  async bulkCreate(
    appKey: string,
    formKey: string,
    items: unknown[],
    ctx: WriteContext,
  ): Promise<RecordJson[]> {
    assertBulkSize(items.length)
    const { writer } = await this.open(appKey, formKey, ctx)
    const prepared: Record<string, unknown>[] = []
    const failures: Array<{ index: number; errors: unknown }> = []
    items.forEach((item, index) => {
      try {
        prepared.push(writer.prepareCreate(item, `records.${index}.values.`))
      } catch (error) {
        if (error instanceof AppError) failures.push({ index, errors: error.details })
        else throw error
      }
    })
    if (failures.length) throw bulkFailure(failures)
    return this.db.transaction().execute(async (trx) => {
      const created: RecordJson[] = []
      for (const [index, values] of prepared.entries()) {
        created.push(await atIndex(index, () => writer.create(trx, values, ctx)))
      }
      return created
    })
  }

  async get(
    appKey: string,
    formKey: string,
    id: string,
    options: Pick<ListOptions, 'fields' | 'expand'>,
    ctx: WriteContext = system,
  ) {
    const { reader } = await this.open(appKey, formKey, ctx)
    return reader.get(this.db, id, options)
  }

  async list(
    appKey: string,
    formKey: string,
    options: ListOptions,
    ctx: WriteContext = system,
    largestPage?: number,
  ): Promise<ListResult> {
    const { reader } = await this.open(appKey, formKey, ctx)
    return reader.list(this.db, options, largestPage)
  }

  async count(
    appKey: string,
    formKey: string,
    options: Pick<ListOptions, 'filter' | 'deleted'>,
    ctx: WriteContext = system,
  ): Promise<number> {
    const { reader } = await this.open(appKey, formKey, ctx)
    return reader.count(this.db, options)
  }

  /** The reverse of a many-to-one relation: the child records pointing at one parent. */
  async related(
    appKey: string,
    formKey: string,
    id: string,
    childForm: string,
    via: string,
    options: ListOptions,
    ctx: WriteContext = system,
  ): Promise<ListResult> {
    const { app, accessOf } = await this.open(appKey, formKey, ctx)
    await this.get(appKey, formKey, id, {}, ctx)
    const child = app.form(childForm)
    const field = child.fields.get(via)
    if (!field || field.type !== 'relation' || field.relation?.form !== formKey) {
      throw new AppError(404, 'RELATION_NOT_FOUND', `${childForm}.${via} is not a relation to ${formKey}`)
    }
    const byParent = { '==': [{ var: via }, id] }
    const filter = options.filter === undefined ? byParent : { and: [byParent, options.filter] }
    return new RecordReader(app, child, accessOf).list(this.db, { ...options, filter })
  }

  async update(
    appKey: string,
    formKey: string,
    id: string,
    version: number,
    values: unknown,
    ctx: WriteContext,
  ): Promise<RecordJson> {
    const { writer } = await this.open(appKey, formKey, ctx)
    return writer.update(this.db, id, version, values, ctx)
  }

  async bulkUpdate(appKey: string, formKey: string, items: BulkUpdateItem[], ctx: WriteContext) {
    assertBulkSize(items.length)
    const { writer } = await this.open(appKey, formKey, ctx)
    return this.db.transaction().execute(async (trx) => {
      const updated: RecordJson[] = []
      for (const [index, item] of items.entries()) {
        updated.push(
          await atIndex(index, () =>
            writer.update(trx, item.id, item.version, item.values, ctx, `records.${index}.values.`),
          ),
        )
      }
      return updated
    })
  }

  async remove(appKey: string, formKey: string, id: string, version: number | undefined, ctx: WriteContext) {
    const { writer } = await this.open(appKey, formKey, ctx)
    return writer.remove(this.db, id, version, ctx)
  }

  async restore(appKey: string, formKey: string, id: string, ctx: WriteContext) {
    const { writer } = await this.open(appKey, formKey, ctx)
    return writer.restore(this.db, id, ctx)
  }
}

function assertBulkSize(n: number): void {
  if (n > maxBulk)
    throw new AppError(400, 'BULK_TOO_LARGE', `At most ${maxBulk} records per request (got ${n})`, 'records')
}

function bulkFailure(failures: Array<{ index: number; errors: unknown }>): AppError {
  return new AppError(
    400,
    'BULK_INVALID',
    `${failures.length} record(s) are invalid; nothing was written`,
    `records.${failures[0]!.index}`,
    failures,
  )
}

/** Runs one item of a bulk write; its error is reported with the item's index and aborts the batch. */
async function atIndex<T>(index: number, write: () => Promise<T>): Promise<T> {
  try {
    return await write()
  } catch (error) {
    if (error instanceof AppError) {
      const path = error.path?.startsWith('records.')
        ? error.path
        : error.path === 'version'
          ? `records.${index}.version`
          : `records.${index}${error.path ? `.values.${error.path}` : ''}`
      throw new AppError(error.statusCode, error.code, `records.${index}: ${error.message}`, path, [
        { index, code: error.code, message: error.message, path, details: error.details },
      ])
    }
    throw error
  }
}
