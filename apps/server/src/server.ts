import closeWithGrace from 'close-with-grace'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { buildApp } from './app.js'
import type { Config } from './config.js'
import { openDatabase, type Database } from './db/database.js'
import { migrateToLatest } from './db/migrate.js'
import { transportsFrom } from './messages/transports.js'
import type { StartupWork } from './routes/health.js'

export interface RunningServer {
  url: string
  database: Database
  /** Set on the very first start: the admin account created, to be shown once. */
  initialAdmin: { username: string; password: string } | undefined
  /** Work after listening that keeps readiness at 503 until it ends. */
  startup: StartupWork
  close(): Promise<void>
}

/** The designer's build output, next to this package in the monorepo, unless configured. */
export function defaultDesignerDir(): string {
  const here = path.dirname(fileURLToPath(import.meta.url))
  return path.resolve(here, '../../designer/dist')
}

export function openConfiguredDatabase(config: Config): Promise<Database> {
  return openDatabase({
    url: config.databaseUrl,
    dataDir: config.dataDir,
    poolSize: config.dbPoolSize,
    statementTimeoutMs: config.statementTimeoutMs,
  })
}

/** Opens the database, migrates, listens, and drains in-flight requests on SIGTERM/SIGINT. */
export async function startServer(config: Config): Promise<RunningServer> {
  const database = await openConfiguredDatabase(config)
  await migrateToLatest(database.db)
  const app = await buildApp({
    config: { ...config, designerDir: config.designerDir ?? defaultDesignerDir() },
    database,
    logger: { level: config.logLevel },
    secureCookies: config.secureCookies,
    maxEventLoopDelayMs: config.maxEventLoopDelayMs,
    messageTransports: transportsFrom(config.messaging),
  })
  const initialAdmin = await app.trellis.users.bootstrapAdmin(config.adminPassword)
  await app.listen({ port: config.port, host: config.host })
  app.automation.start((err) => app.log.error({ err }, 'automation round failed'))
  app.flows.startTimerLoop((err) => app.log.error({ err }, 'flow timers round failed'))
  app.messages.start((err) => app.log.error({ err }, 'message delivery round failed'))
  app.webhooks.start((err) => app.log.error({ err }, 'webhook delivery round failed'))
  const address = app.server.address()
  const port = typeof address === 'object' && address ? address.port : config.port
  const shownHost = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host
  const url = `http://${shownHost}:${port}`

  let closing: Promise<void> | undefined
  const close = () =>
    (closing ??= (async () => {
      // app.close() stops accepting connections and waits for in-flight requests to finish.
      await app.close()
      await database.close()
    })())
  closeWithGrace({ delay: 10_000 }, async ({ signal, err }) => {
    if (err) app.log.error({ err }, 'shutting down after an error')
    else app.log.info({ signal }, 'shutting down')
    await close()
  })
  return { url, database, close, initialAdmin, startup: app.startup }
}
