import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import type { FastifyInstance } from 'fastify'

/** OpenAPI document generated from the route schemas; JSON at /docs/json, UI at /docs. */
export async function registerOpenApi(app: FastifyInstance): Promise<void> {
  await app.register(swagger, {
    openapi: {
      info: {
        title: 'Trellis API',
        version: '0.1.0',
        description: 'No-code apps: forms, records, rules, flows, reports.',
      },
    },
  })
  // staticCSP: the UI's own Content-Security-Policy, compatible with helmet's defaults.
  await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: true })
}
