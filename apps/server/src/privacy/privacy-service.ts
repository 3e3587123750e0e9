import { reverseRelations } from '@trellis/form-engine'
import { auditOfRecords, importCreatedAction } from '../audit/record-audit.js'
import { sql, type Kysely } from 'kysely'
import type { AppService } from '../apps/app-service.js'
import type { CompiledForm, PublishedApp } from '../apps/published-app.js'
import type { DynamicDb } from '../db/dynamic.js'
import type { PlatformTables } from '../db/tables.js'
import { AppError } from '../http/errors.js'
import { rowToJson, type RecordJson, type Row } from '../records/record-json.js'
import { assertId } from '../records/record-store.js'
import { writeAuditEntry } from '../audit/audit-entry.js'

export const consentChannels = ['sms', 'email', 'wechat', 'phone'] as const
export type ConsentChannel = (typeof consentChannels)[number]

interface SubjectRecords {
  subject: { form: CompiledForm; row: Row }
  related: Array<{ form: CompiledForm; via: string; rows: Row[] }>
}

const piiKeys = (form: CompiledForm) => [...form.fields.values()].filter((f) => f.pii).map((f) => f.key)

/**
 * Personal data duties (PIPL, GDPR): consent history per channel, a data-subject export of everything
 * held about one person (their record, the records pointing at it, consents and audit entries), and
 * erasure that blanks every `pii` field of those records, scrubs the same keys from past audit entries
 * and events, and keeps aggregates (amounts, counts) intact.
 */
export class PrivacyService {
  private readonly dyn: DynamicDb

  constructor(
    private readonly db: Kysely<PlatformTables>,
    private readonly apps: AppService,
  ) {
    this.dyn = db as unknown as DynamicDb
  }

  private async subject(
    db: DynamicDb,
    app: PublishedApp,
    formKey: string,
    id: string,
  ): Promise<SubjectRecords> {
    assertId(id)
    const form = app.form(formKey)
    const { rows } =
      await sql<Row>`select * from ${sql.table(`${app.schema}.${form.plan.table}`)} where id = ${id}`.execute(
        db,
      )
    if (!rows[0]) throw new AppError(404, 'RECORD_NOT_FOUND', `No record ${id} in ${formKey}`)
    const related: SubjectRecords['related'] = []
    for (const { form: childKey, field } of reverseRelations(app.definition, formKey)) {
      if (!app.hasForm(childKey)) continue
      const child = app.form(childKey)
      const via = child.columns.get(field)
      if (!via) continue
      const children = await sql<Row>`select * from ${sql.table(`${app.schema}.${child.plan.table}`)}
        where ${sql.ref(via.column)} = ${id} order by id`.execute(db)
      related.push({ form: child, via: field, rows: children.rows })
    }
    return { subject: { form, row: rows[0] }, related }
  }

  async export(appKey: string, formKey: string, id: string, actor: string | null) {
    const app = await this.apps.requirePublished(appKey)
    const found = await this.subject(this.dyn, app, formKey, id)
    const ids = this.recordIds(found)
    const audit = await sql<
      Record<string, unknown>
    >`select id::text, at, actor, form_key, record_id, action, before, after
      from trellis.audit_log where app_key = ${appKey} and (${sql.join(
        ids.map(([form, recordIds]) => auditOfRecords(form, recordIds)),
        sql` or `,
      )}) order by id`.execute(this.db)
    const result = {
      app: appKey,
      exportedAt: new Date().toISOString(),
      subject: { form: formKey, record: rowToJson(found.subject.row, found.subject.form) },
      related: Object.fromEntries(
        found.related.map(({ form, via, rows }) => [
          `${form.schema.key}.${via}`,
          rows.map((row) => rowToJson(row, form)),
        ]),
      ),
      consents: await this.consentHistory(appKey, formKey, id),
      // An import batch's entry lists everyone that batch created: the subject is shown only their own id.
      audit: audit.rows.map((entry) => {
        if (entry.action !== importCreatedAction) return entry
        const after = entry.after as { ids: string[] }
        const mine = new Set(
          ids.filter(([form]) => form === entry.form_key).flatMap(([, recordIds]) => recordIds),
        )
        return { ...entry, after: { ...after, ids: after.ids.filter((recordId) => mine.has(recordId)) } }
      }),
    }
    await this.note(appKey, formKey, id, 'subject_export', actor, { forms: ids.map(([form]) => form) })
    return result
  }

  /** One CSV row per value: form, record, field, value — every cell of the JSON export, flat. */
  static toCsv(exported: Awaited<ReturnType<PrivacyService['export']>>): string {
    const lines = [['form', 'record_id', 'field', 'value']]
    const add = (form: string, record: RecordJson) => {
      for (const [field, value] of Object.entries(record)) {
        lines.push([
          form,
          record.id,
          field,
          value === null || typeof value !== 'object' ? String(value ?? '') : JSON.stringify(value),
        ])
      }
    }
    add(exported.subject.form, exported.subject.record)
    for (const [key, records] of Object.entries(exported.related))
      for (const r of records) add(key.split('.')[0]!, r)
    for (const c of exported.consents.history) {
      lines.push(['consent', c.id, c.channel, `${c.granted ? 'granted' : 'withdrawn'} ${c.at} ${c.source}`])
    }
    // Cells starting with = + - @ would run as formulas in a spreadsheet: neutralize them.
    const cell = (v: string) => {
      const safe = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v
      return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe
    }
    return '\uFEFF' + lines.map((l) => l.map(cell).join(',')).join('\r\n') + '\r\n'
  }

  async erase(appKey: string, formKey: string, id: string, actor: string | null) {
    const app = await this.apps.requirePublished(appKey)
    return this.dyn.transaction().execute(async (trx) => {
      const found = await this.subject(trx, app, formKey, id)
      const targets = [
        { form: found.subject.form, ids: [String(found.subject.row.id)] },
        ...found.related.map(({ form, rows }) => ({ form, ids: rows.map((r) => String(r.id)) })),
      ]
      // Past audit entries and events may carry the same values: scrub them in this transaction only.
      await sql`select set_config('trellis.erasure', 'on', true)`.execute(trx)
      const erased: Record<string, { records: number; fields: string[] }> = {}
      for (const { form, ids } of targets) {
        const keys = piiKeys(form)
        if (!keys.length || !ids.length) continue
        const sets = keys.map((key) => sql`${sql.ref(form.columns.get(key)!.column)} = null`)
        await sql`update ${sql.table(`${app.schema}.${form.plan.table}`)}
          set ${sql.join(sets)}, version = version + 1, updated_at = now(), updated_by = ${actor}
          where id = any(${ids}::bigint[])`.execute(trx)
        await sql`update trellis.audit_log set before = before - ${keys}::text[], after = after - ${keys}::text[]
          where app_key = ${appKey} and form_key = ${form.schema.key} and record_id = any(${ids}::text[])`.execute(
          trx,
        )
        const scrub = (part: 'before' | 'after') =>
          sql`case when jsonb_typeof(payload->${sql.lit(part)}) = 'object'
            then jsonb_build_object(${sql.lit(part)}, (payload->${sql.lit(part)}) - ${keys}::text[]) else '{}'::jsonb end`
        await sql`update trellis.outbox set payload = payload || ${scrub('before')} || ${scrub('after')}
          where payload->>'app' = ${appKey} and payload->>'form' = ${form.schema.key}
            and payload->>'id' = any(${ids}::text[])`.execute(trx)
        const previous = erased[form.schema.key]
        erased[form.schema.key] = { records: (previous?.records ?? 0) + ids.length, fields: keys }
      }
      await this.note(appKey, formKey, id, 'erasure', actor, { erased }, trx)
      return { erased }
    })
  }

  async recordConsent(
    appKey: string,
    formKey: string,
    id: string,
    input: { channel: ConsentChannel; granted: boolean; source: string },
    actor: string | null,
  ) {
    await this.db
      .insertInto('trellis.consents')
      .values({ app_key: appKey, form_key: formKey, record_id: id, ...input, actor })
      .execute()
    return this.consentHistory(appKey, formKey, id)
  }

  /** The latest grant or withdrawal per channel decides; the whole history is kept. */
  async consentHistory(appKey: string, formKey: string, id: string) {
    const rows = await this.db
      .selectFrom('trellis.consents')
      .selectAll()
      .where('app_key', '=', appKey)
      .where('form_key', '=', formKey)
      .where('record_id', '=', id)
      .orderBy('id')
      .execute()
    const history = rows.map((r) => ({
      id: String(r.id),
      channel: r.channel,
      granted: r.granted,
      source: r.source,
      at: new Date(r.at).toISOString(),
      actor: r.actor,
    }))
    const current: Record<string, { granted: boolean; at: string; source: string }> = {}
    for (const entry of history)
      current[entry.channel] = { granted: entry.granted, at: entry.at, source: entry.source }
    return { current, history }
  }

  private recordIds(found: SubjectRecords): Array<[string, string[]]> {
    const ids: Array<[string, string[]]> = [[found.subject.form.schema.key, [String(found.subject.row.id)]]]
    for (const { form, rows } of found.related)
      if (rows.length) ids.push([form.schema.key, rows.map((r) => String(r.id))])
    return ids
  }

  private async note(
    appKey: string,
    formKey: string,
    id: string,
    action: string,
    actor: string | null,
    details: unknown,
    db: DynamicDb = this.dyn,
  ) {
    await writeAuditEntry(db, { actor, app: appKey, form: formKey, record: id, action, after: details })
  }
}
