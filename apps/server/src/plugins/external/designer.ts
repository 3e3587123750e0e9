import fastifyStatic from '@fastify/static'
import type { FastifyInstance } from 'fastify'
import fs from 'node:fs'
import path from 'node:path'

const placeholder = `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>Trellis</title></head>
<body style="font-family:system-ui;margin:4rem"><h1>Trellis</h1>
<p>设计器尚未构建。Designer not built yet: run <code>npm start</code>.</p>
<p><a href="/docs">API 文档 / API docs</a></p></body></html>`

/** Serves the built designer (a single-page app) with a fallback to index.html for client routes. */
export async function registerDesigner(app: FastifyInstance, designerDir: string | undefined): Promise<void> {
  const indexFile = designerDir ? path.join(designerDir, 'index.html') : undefined
  if (designerDir && indexFile && fs.existsSync(indexFile)) {
    await app.register(fastifyStatic, { root: designerDir, wildcard: false, index: ['index.html'] })
    app.get('/*', { schema: { hide: true } }, (request, reply) => {
      if (request.url.startsWith('/api/')) {
        return reply
          .status(404)
          .send({ code: 'NOT_FOUND', message: `No route for ${request.method} ${request.url}` })
      }
      return reply.sendFile('index.html')
    })
    return
  }
  app.get('/', { schema: { hide: true } }, (_request, reply) => reply.type('text/html').send(placeholder))
}
