import {
  anchorWindow,
  dateOccurrencesBetween,
  nextCronRun,
  type CronTrigger,
  type DateTrigger,
  type Rule,
} from '@trellis/rule-engine'
import { sql } from 'kysely'
import type { PublishedApp } from '../apps/published-app.js'
import type { DynamicDb } from '../db/dynamic.js'
import type { JobStore, NewJob } from './job-store.js'
import { RuleCatalog, type AppRules, type CatalogSnapshot } from './rule-catalog.js'

/**
 * Time-based rules are armed by scanning: each rule keeps a cursor (`scanned_until`), and every tick
 * looks at the window (cursor, now]. Windows are contiguous and never overlap, and every job they
 * produce carries its (rule, record, occurrence) key, so a clock jump, a DST change or two processes
 * scanning at once still fire each occurrence once. A rule seen for the first time starts at "now":
 * publishing a rule does not fire it for anniversaries that already passed.
 */
export async function scheduleDue(
  db: DynamicDb,
  jobs: JobStore,
  snapshot: CatalogSnapshot,
  appKeys: readonly string[],
  now: Date,
): Promise<number> {
  let armed = 0
  for (const key of appKeys) {
    const rules = await snapshot.get(key)
    if (!rules) continue
    for (const entry of rules.rules.values()) {
      if (!RuleCatalog.runnable(entry)) continue
      const kind = entry.rule.trigger.kind
      if (kind === 'cron' || kind === 'date') armed += await scanRule(db, jobs, rules, entry.rule, now)
    }
  }
  return armed
}

async function scanRule(
  db: DynamicDb,
  jobs: JobStore,
  rules: AppRules,
  rule: Rule,
  now: Date,
): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const app = rules.app.key
    await sql`insert into trellis.rule_cursors (app_key, rule_key, scanned_until) values (${app}, ${rule.key}, ${now.toISOString()}::timestamptz)
      on conflict do nothing`.execute(trx)
    // Another process scanning this rule holds the row: skip it this tick rather than wait.
    const { rows } = await sql<{ scanned_until: Date }>`select scanned_until from trellis.rule_cursors
      where app_key = ${app} and rule_key = ${rule.key} for update skip locked`.execute(trx)
    const from = rows[0]?.scanned_until
    if (!from || new Date(from).getTime() >= now.getTime()) return 0
    const fromMs = new Date(from).getTime()
    const due =
      rule.trigger.kind === 'cron'
        ? cronJobs(app, rule, rule.trigger, fromMs, now.getTime(), rules.timeZone)
        : await dateJobs(
            trx,
            rules.app,
            rule,
            rule.trigger as DateTrigger,
            fromMs,
            now.getTime(),
            rules.timeZone,
          )
    const armed = await jobs.enqueue(trx, due, now)
    await sql`update trellis.rule_cursors set scanned_until = ${now.toISOString()}::timestamptz
      where app_key = ${app} and rule_key = ${rule.key}`.execute(trx)
    return armed
  })
}

/** Missed ticks are not replayed one by one: after downtime the latest missed tick runs once. */
function cronJobs(
  app: string,
  rule: Rule,
  trigger: CronTrigger,
  fromMs: number,
  toMs: number,
  zone: string,
): NewJob[] {
  let last: number | undefined
  for (
    let at = nextCronRun(trigger.cron, fromMs, trigger.timeZone ?? zone);
    at !== undefined && at <= toMs;
  ) {
    last = at
    at = nextCronRun(trigger.cron, at, trigger.timeZone ?? zone)
  }
  if (last === undefined) return []
  const occurrence = `cron:${new Date(last).toISOString()}`
  return [{ app, rule: rule.key, recordId: null, occurrence, dueAt: new Date(last) }]
}

/** Records whose date-relative occurrence falls in (from, to]: an index-friendly anchor predicate, then an exact check. */
export async function dateJobs(
  db: DynamicDb,
  app: PublishedApp,
  rule: Rule,
  trigger: DateTrigger,
  fromMs: number,
  toMs: number,
  zone: string,
): Promise<NewJob[]> {
  const form = app.form(trigger.form)
  const spec = form.columns.get(trigger.field)
  if (!spec) return []
  const instant = spec.sqlType === 'timestamptz'
  const window = anchorWindow(trigger, fromMs, toMs, zone, instant ? 'instant' : 'date')
  if (window.kind === 'none') return []
  const col = sql.ref(spec.column)
  const predicate =
    window.kind === 'all'
      ? sql`${col} is not null`
      : window.kind === 'days'
        ? sql`${col} between ${window.from}::date and ${window.to}::date`
        : window.kind === 'instants'
          ? sql`${col} > ${window.from}::timestamptz and ${col} <= ${window.to}::timestamptz`
          : instant
            ? sql`to_char(${col} at time zone ${zone}, 'MM-DD') = any(${window.days}::text[])`
            : sql`to_char(${col}, 'MM-DD') = any(${window.days}::text[])`
  const anchor = instant
    ? sql`to_char(${col} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`
    : sql`${col}::text`
  const { rows } = await sql<{ id: string; anchor: string }>`select id::text as id, ${anchor} as anchor
    from ${sql.table(`${app.schema}.${form.plan.table}`)} where deleted_at is null and ${predicate}`.execute(
    db,
  )
  const out: NewJob[] = []
  for (const row of rows) {
    for (const hit of dateOccurrencesBetween(trigger, row.anchor, fromMs, toMs, zone))
      out.push({
        app: app.key,
        rule: rule.key,
        recordId: row.id,
        occurrence: `date:${hit.occurrence}`,
        dueAt: new Date(hit.dueMs),
        payload: {},
      })
  }
  return out
}
