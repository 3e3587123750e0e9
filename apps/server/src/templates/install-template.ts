import type { Kysely } from 'kysely'
import { sql } from 'kysely'
import type { AppService } from '../apps/app-service.js'
import type { DynamicDb } from '../db/dynamic.js'
import type { PlatformTables } from '../db/tables.js'
import { installReports } from './install-reports.js'
import { runReportActions } from './refresh-derived.js'
import { loadDemoData, type DemoLoadReport } from './load-demo.js'
import { findTemplate } from './registry.js'

export interface TemplateServices {
  apps: AppService
  db: Kysely<PlatformTables>
}

export interface InstallOptions {
  /** Load the template's demo data too. */
  demo?: boolean
  /** Demo customers (the template's default when absent). */
  size?: number
  seed?: number
  /** Last day of demo history, `YYYY-MM-DD`; default today in `timeZone`. */
  end?: string
  timeZone?: string
  actor?: string | null
  /** Injected for tests; default the wall clock. */
  now?: () => Date
}

export interface InstallResult {
  template: string
  app: string
  version: number
  demo: DemoLoadReport | null
}

/** Today's date in a time zone, as `YYYY-MM-DD`. */
export function localDate(now: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(now)
}

/**
 * Installs a template through the same AppService as any app (create, then publish), with its saved
 * reports and dashboards, then, if asked, loads its demo data in bulk. An app with the template's key already existing is a 409 (APP_EXISTS).
 */
export async function installTemplate(
  services: TemplateServices,
  key: string,
  options: InstallOptions = {},
): Promise<InstallResult> {
  const template = findTemplate(key)
  const actor = options.actor ?? null
  await services.apps.create(template.app())
  const { version } = await services.apps.publish(template.appKey, undefined, actor)
  await installReports(services.db as unknown as DynamicDb, template, actor)
  let demo: DemoLoadReport | null = null
  if (options.demo) {
    const end =
      options.end ?? localDate((options.now ?? (() => new Date()))(), options.timeZone ?? 'Asia/Shanghai')
    demo = await loadDemoData(
      services.db as unknown as DynamicDb,
      await services.apps.requirePublished(template.appKey),
      template,
      {
        customers: options.size,
        seed: options.seed,
        end,
        actor,
      },
    )
    // RFM scores and product pairs come from weekly rules: computed once now, so the demo shows them at once
    // (after the load, whose own record is one audit entry: the pairs are written as the rule writes them).
    await runReportActions(
      services.db as unknown as DynamicDb,
      await services.apps.requirePublished(template.appKey),
      (options.now ?? (() => new Date()))(),
    )
  }
  return { template: template.key, app: template.appKey, version, demo }
}

/** True when no app exists yet: the quick start's first run. */
export async function hasNoApps(db: Kysely<PlatformTables>): Promise<boolean> {
  const { rows } = await sql<{ n: number }>`select count(*)::int as n from trellis.apps`.execute(db)
  return rows[0]!.n === 0
}
