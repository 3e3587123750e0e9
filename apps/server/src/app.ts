import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify'
import type { Config } from './config.js'
import type { Database } from './db/database.js'
import { errorBodySchema, registerErrorHandling } from './http/errors.js'
import { registerDesigner } from './plugins/external/designer.js'
import { registerOpenApi } from './plugins/external/openapi.js'
import { registerHealthRoutes } from './routes/health.js'

export interface AppOptions {
  config: Pick<Config, 'designerDir' | 'timeZone'>
  database: Database
  logger?: FastifyServerOptions['logger']
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
  registerHealthRoutes(app, options.database.kind)
  await registerDesigner(app, options.config.designerDir)
  return app
}
