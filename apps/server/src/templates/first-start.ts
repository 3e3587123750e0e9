import type { Kysely } from 'kysely'
import { AppService } from '../apps/app-service.js'
import type { PlatformTables } from '../db/tables.js'
import { AppError } from '../http/errors.js'
import { hasNoApps, installTemplate, type InstallResult } from './install-template.js'

export const quickStartTemplate = 'crm-retention'

/**
 * Demo customers installed on a first start. The template's generator defaults to 20,000 (≈ 790,000 records),
 * which takes minutes on PGlite; a quick start should be up in seconds, so it loads 2,000 unless told more.
 */
export const quickStartDemoSize = 2000

/** One line saying what was installed, for the CLI. */
export function describeInstall(result: InstallResult): string {
  if (!result.demo)
    return `Installed template ${result.template} as app "${result.app}" (version ${result.version}).`
  const { counts, timings, mergedCustomers } = result.demo
  const total = Object.values(counts).reduce((a, b) => a + b, 0)
  return (
    `Installed template ${result.template} as app "${result.app}" with demo data: ${counts.customers ?? 0} customers, ` +
    `${counts.orders ?? 0} orders, ${total} records in all (${mergedCustomers} duplicate customers merged) ` +
    `in ${(timings.total / 1000).toFixed(1)} s.`
  )
}

/**
 * The quick start's first run: when the database holds no app, install the CRM template with its demo
 * data, so the first screen has something to show. `TRELLIS_DEMO=0` turns this off;
 * `TRELLIS_DEMO_SIZE` sets the number of demo customers (default `quickStartDemoSize`; 20000 for the full set). Several processes
 * starting at once against one PostgreSQL may race: the loser sees APP_EXISTS and leaves it.
 */
export async function installOnFirstStart(
  db: Kysely<PlatformTables>,
  env: NodeJS.ProcessEnv,
  say: (line: string) => void,
  options: { size?: number; timeZone?: string } = {},
): Promise<InstallResult | undefined> {
  if (env.TRELLIS_DEMO === '0' || env.TRELLIS_DEMO === 'false') return undefined
  if (!(await hasNoApps(db))) return undefined
  const size = env.TRELLIS_DEMO_SIZE ? Number(env.TRELLIS_DEMO_SIZE) : quickStartDemoSize
  if (!Number.isInteger(size) || size < 1)
    throw new Error(`TRELLIS_DEMO_SIZE must be a positive integer, not "${env.TRELLIS_DEMO_SIZE}"`)
  say(
    `First start: installing the ${quickStartTemplate} template with demo data (TRELLIS_DEMO=0 skips this)…`,
  )
  try {
    const result = await installTemplate({ apps: new AppService(db), db }, quickStartTemplate, {
      demo: true,
      size,
      ...options,
    })
    say(describeInstall(result))
    return result
  } catch (error) {
    if (error instanceof AppError && error.code === 'APP_EXISTS') return undefined
    throw error
  }
}
