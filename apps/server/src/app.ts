import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify'
import path from 'node:path'
import { AppService } from './apps/app-service.js'
import { AccessService } from './auth/access-service.js'
import { registerAuthentication } from './auth/authenticate.js'
import { UserService } from './auth/user-service.js'
import type { Config } from './config.js'
import type { Database } from './db/database.js'
import { DiskFileStore, type FileStore } from './files/file-store.js'
import { queuedMessages } from './automation/notification-channel.js'
import { registerBackpressure } from './http/backpressure.js'
import { MessageDispatcher } from './messages/dispatcher.js'
import type { MessageTransport } from './messages/transports.js'
import { registerSecurityHeaders } from './http/security-headers.js'
import { registerIdempotency } from './http/idempotency.js'
import { errorBodySchema, registerErrorHandling } from './http/errors.js'
import { registerDesigner } from './plugins/external/designer.js'
import { registerOpenApi } from './plugins/external/openapi.js'
import { RecordsService } from './records/records-service.js'
import { registerAppRoutes } from './routes/apps.js'
import { registerAuthRoutes } from './routes/auth.js'
import { defaultFileLimits, registerFileRoutes, type FileLimits } from './routes/files.js'
import { registerFlowRoutes } from './routes/flows.js'
import { registerHealthRoutes, StartupWork } from './routes/health.js'
import { registerImportRoutes } from './routes/imports.js'
import { registerMessageRoutes } from './routes/messages.js'
import { registerNotificationRoutes } from './routes/notifications.js'
import { registerIdentityRoutes } from './routes/identity.js'
import { registerWebhookRoutes } from './routes/webhooks.js'
import { PrivacyService } from './privacy/privacy-service.js'
import { registerPrivacyRoutes } from './routes/privacy.js'
import { registerRecordRoutes } from './routes/records.js'
import { registerRecordTimelineRoutes } from './routes/record-timeline.js'
import { registerSavedViewRoutes } from './routes/saved-views.js'
import { registerReportRoutes } from './routes/reports.js'
import { registerRuleRoutes } from './routes/rules.js'
import { registerTemplateRoutes } from './routes/templates.js'

export interface AppOptions {
  config: Pick<Config, 'designerDir' | 'timeZone' | 'dataDir'>
  database: Database
  logger?: FastifyServerOptions['logger']
  fileStore?: FileStore
  fileLimits?: FileLimits
  /** Session cookies with the Secure flag (behind HTTPS). */
  secureCookies?: boolean
  /** Answer 503 with Retry-After once the event loop lags this much (ms); unset or 0: never. */
  maxEventLoopDelayMs?: number
  /** Gateways by channel (`transportsFrom(config.messaging)`); none: rule messages are only stored. */
  messageTransports?: ReadonlyMap<string, MessageTransport>
}

declare module 'fastify' {
  interface FastifyInstance {
    trellis: { apps: AppService; records: RecordsService; users: UserService; access: AccessService }
    /** Sends queued rule messages through the configured gateways; started by `startServer`. */
    messages: MessageDispatcher
    /** Work that keeps readiness at 503 until it ends (the first start's template install). */
    startup: StartupWork
  }
}

/**
 * Builds the Fastify instance without listening, so tests drive it with `app.inject`.
 * Layers: infrastructure (errors, OpenAPI, static), then app services, then routes.
 */
export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: options.logger ?? false,
    ajv: { customOptions: { allErrors: false, coerceTypes: 'array', removeAdditional: false } },
    return503OnClosing: true,
  })
  app.addSchema(errorBodySchema)
  registerErrorHandling(app)
  if (options.maxEventLoopDelayMs) await registerBackpressure(app, options.maxEventLoopDelayMs)
  await registerOpenApi(app)

  registerSecurityHeaders(app, {
    contentSecurityPolicy: {
      // 'unsafe-eval': the designer validates live previews with the same ajv-compiled validators as the
      // server (ajv generates code). Scripts still load only from our origin; no inline script runs.
      directives: { scriptSrc: ["'self'", "'unsafe-eval'"] },
    },
  })

  const { db } = options.database
  const users = new UserService(db)
  const access = new AccessService(db)
  const apps = new AppService(db)
  // PGlite runs one statement at a time: a second create in flight would only wait, so it batches instead.
  const records = new RecordsService(db, apps, access, options.database.kind === 'pglite' ? 1 : 2)
  app.decorate('trellis', { apps, records, users, access })
  await registerAuthentication(app, users)
  registerIdempotency(app, db)

  const startup = new StartupWork()
  app.decorate('startup', startup)
  registerHealthRoutes(app, options.database, startup)
  await registerAuthRoutes(app, users, access, { secureCookies: options.secureCookies ?? false })
  registerAppRoutes(app, apps, access)
  registerRecordRoutes(app, records)
  registerRecordTimelineRoutes(app, { apps, access, db })
  registerSavedViewRoutes(app, { apps, access, db })
  registerPrivacyRoutes(app, db, new PrivacyService(db, apps), records)
  registerReportRoutes(app, apps, records, options.database)
  const transports = options.messageTransports ?? new Map<string, MessageTransport>()
  registerRuleRoutes(app, db, transports.size ? { channel: queuedMessages([...transports.keys()]) } : {})
  const messages = new MessageDispatcher(db as never, transports, () => app.automation.clock.now())
  app.decorate('messages', messages)
  app.addHook('onClose', () => messages.stop())
  await registerFlowRoutes(app, db)
  registerMessageRoutes(app, db as never)
  registerNotificationRoutes(app, db as never)
  registerTemplateRoutes(app, { apps, db })
  await registerFileRoutes(
    app,
    db,
    options.fileStore ?? new DiskFileStore(path.join(options.config.dataDir, 'files')),
    options.fileLimits ?? defaultFileLimits,
  )
  registerImportRoutes(app, { apps, access, records, db, dataDir: options.config.dataDir })
  registerIdentityRoutes(app, { apps, access, db })
  registerWebhookRoutes(app, { apps, db })
  await registerDesigner(app, options.config.designerDir)
  return app
}
