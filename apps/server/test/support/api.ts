/* eslint-disable @typescript-eslint/no-explicit-any -- test responses are checked by assertions, not types */
import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll } from 'vitest'
import { buildApp } from '../../src/app.js'
import type { Database } from '../../src/db/database.js'
import { tmpDataDir } from './tmp.js'

export interface Api {
  readonly app: FastifyInstance
  call(
    method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
    url: string,
    body?: unknown,
  ): Promise<{ status: number; body: any }>
}

/** A Trellis instance over the test database, driven through `inject` (no open port). */
export function useApi(ctx: { readonly database: Database }): Api {
  let app: FastifyInstance | undefined
  beforeAll(async () => {
    app = await buildApp({
      config: { designerDir: undefined, timeZone: 'Asia/Shanghai', dataDir: tmpDataDir() },
      database: ctx.database,
    })
  })
  afterAll(async () => {
    await app?.close()
  })
  return {
    get app() {
      return app!
    },
    async call(method, url, body) {
      const res = await app!.inject({
        method,
        url,
        ...(body === undefined ? {} : { payload: body as object }),
      })
      const text = res.body
      return {
        status: res.statusCode,
        body: text && String(res.headers['content-type'] ?? '').includes('json') ? JSON.parse(text) : text,
      }
    },
  }
}
