import { planActions, type RecordEventKind, type Rule } from '@trellis/rule-engine'
import type { PublishedApp } from '../apps/published-app.js'
import type { DynamicDb } from '../db/dynamic.js'
import { rowToJson, type Row } from '../records/record-json.js'
import { RecordWriter, type PreparedUpdate } from '../records/record-store.js'
import { applyEffects, markCause, recordOnlyEffects } from './effects.js'
import type { FlowStarts } from './flow-starts.js'
import type { NotificationChannel } from './notification-channel.js'
import type { RunEntry } from './run-log.js'

interface PendingUpdate {
  app: PublishedApp
  form: string
  actor: string
  update: PreparedUpdate
  cause: { app: string; rule: string; job: null; depth: number }
}

/**
 * Inline rule runs of one outbox batch, inside the consumer's transaction. Records are read for the
 * whole batch at once (one query per form); a run whose actions only change its record (set fields,
 * tags) is checked right away but written with the others of the batch — one UPDATE … FROM (VALUES …)
 * with its audit entries and events per rule and form — when the batch ends or before anything else
 * touches the database. Any other run flushes the pending writes first and runs as before, so every
 * run sees the record as the runs before it left it. A failed write fails the whole transaction, like
 * a failed inline run: the caller consumes the batch again as jobs.
 */
export class InlineBatch {
  /** Rows read for this batch by `form:id`; null: not there (deleted, or never was). */
  private readonly rows = new Map<string, Row | null>()
  private readonly prefetched = new Set<string>()
  private readonly pending = new Map<string, PendingUpdate>()

  constructor(
    private readonly trx: DynamicDb,
    /** Record ids of every event in the batch by `app/form`, read together on the first miss. */
    private readonly batchIds: Map<string, Set<string>>,
  ) {}

  async run(
    app: PublishedApp,
    rule: Rule,
    payload: { form: string; id: string },
    kind: RecordEventKind,
    before: Record<string, unknown> | null,
    context: Record<string, unknown>,
    run: { depth: number; channel: NotificationChannel; now: Date; occurrence: string; flows?: FlowStarts },
  ): Promise<Pick<RunEntry, 'outcome' | 'effects'>> {
    // Plan on the record as it is now (a run before this one may have changed it), not the snapshot.
    let record: Record<string, unknown> = before ?? {}
    let row: Row | undefined
    const form = app.form(payload.form)
    if (kind !== 'deleted') {
      row = await this.current(app, payload.form, payload.id)
      if (!row) return { outcome: 'skipped', effects: { reason: 'RECORD_GONE' } }
      record = rowToJson(row, form)
    }
    const plan = planActions(rule, record, context)
    const cause = { app: app.key, rule: rule.key, job: null, depth: run.depth + 1 }
    const simple = row && recordOnlyEffects(plan)
    if (row && simple) {
      if (simple.updates) {
        const writer = new RecordWriter(app, form)
        const update = await writer.prepareUpdate(this.trx, row, simple.updates, '')
        this.pending.set(`${app.key}/${payload.form}:${update.id}`, {
          app,
          form: payload.form,
          actor: `rule:${rule.key}`,
          update,
          cause,
        })
      }
      return { outcome: 'succeeded', effects: simple.results }
    }
    await this.flush()
    await markCause(this.trx, cause)
    const effects = await applyEffects(this.trx, plan, {
      app,
      form: payload.form,
      recordId: payload.id,
      rule: rule.key,
      jobId: null,
      channel: run.channel,
      now: run.now,
      external: new Map(),
      occurrence: run.occurrence,
      ...(run.flows ? { flows: run.flows } : {}),
      ...(row ? { version: Number(row.version) } : {}),
    })
    // These actions may have written any record: read again from here on.
    this.rows.clear()
    return { outcome: 'succeeded', effects }
  }

  /** Writes the pending record changes; call before any other write or read of records. */
  async flush(): Promise<void> {
    if (!this.pending.size) return
    const groups = new Map<string, PendingUpdate[]>()
    for (const p of this.pending.values()) {
      const key = `${p.app.key}/${p.form}/${p.actor}`
      groups.set(key, [...(groups.get(key) ?? []), p])
    }
    this.pending.clear()
    for (const group of groups.values()) {
      const { app, form, actor } = group[0]!
      const written = await new RecordWriter(app, app.form(form)).updateMany(
        this.trx,
        group.map((p) => p.update),
        { actor },
        group.map((p) => p.cause),
      )
      written.forEach((row, i) => this.rows.set(`${app.key}/${form}:${group[i]!.update.id}`, row))
    }
  }

  private async current(app: PublishedApp, form: string, id: string): Promise<Row | undefined> {
    const key = `${app.key}/${form}:${id}`
    // A second run on a record changed earlier in the batch plans on the written row.
    if (this.pending.has(key)) await this.flush()
    if (!this.rows.has(key)) {
      const writer = new RecordWriter(app, app.form(form))
      const batchKey = `${app.key}/${form}`
      const ids = this.batchIds.get(batchKey)
      if (!this.prefetched.has(batchKey) && ids) {
        // Once per form and batch: after that, records are read one by one as before.
        this.prefetched.add(batchKey)
        const found = await writer.readMany(this.trx, [...ids])
        for (const one of ids)
          if (!this.rows.has(`${batchKey}:${one}`)) this.rows.set(`${batchKey}:${one}`, null)
        for (const [one, row] of found) this.rows.set(`${batchKey}:${one}`, row)
      }
      if (!this.rows.has(key))
        this.rows.set(key, (await writer.read(this.trx, id).catch(() => undefined)) ?? null)
    }
    return this.rows.get(key) ?? undefined
  }
}
