import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify'
import path from 'node:path'
import { AppService } from './apps/app-service.js'
import type { Config } from './config.js'
import type { Database } from './db/database.js'
import { DiskFileStore, type FileStore } from './files/file-store.js'
import { errorBodySchema, registerErrorHandling } from './http/errors.js'
import { registerDesigner } from './plugins/external/designer.js'
import { registerOpenApi } from './plugins/external/openapi.js'
import { RecordsService } from './records/records-service.js'
import { registerAppRoutes } from './routes/apps.js'
import { defaultFileLimits, registerFileRoutes, type FileLimits } from './routes/files.js'
import { registerHealthRoutes } from './routes/health.js'
import { registerRecordRoutes } from './routes/records.js'

export interface AppOptions {
  config: Pick<Config, 'designerDir' | 'timeZone' | 'dataDir'>
  database: Database
  logger?: FastifyServerOptions['logger']
  fileStore?: FileStore
  fileLimits?: FileLimits
}

declare module 'fastify' {
  interface FastifyInstance {
    trellis: { apps: AppService; records: RecordsService }
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
  await registerOpenApi(app)

  const { db } = options.database
  const apps = new AppService(db)
  const records = new RecordsService(db, apps)
  app.decorate('trellis', { apps, records })

  registerHealthRoutes(app, options.database.kind)
  registerAppRoutes(app, apps)
  registerRecordRoutes(app, records)
  await registerFileRoutes(
    app,
    db,
    options.fileStore ?? new DiskFileStore(path.join(options.config.dataDir, 'files')),
    options.fileLimits ?? defaultFileLimits,
  )
  await registerDesigner(app, options.config.designerDir)
  return app
}
