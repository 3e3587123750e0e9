/* eslint-disable @typescript-eslint/no-explicit-any -- test responses are checked by assertions, not types */
import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll } from 'vitest'
import { buildApp, type AppOptions } from '../../src/app.js'
import { tokenScopes } from '../../src/auth/user-service.js'
import type { Database } from '../../src/db/database.js'
import { tmpDataDir } from './tmp.js'

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'

export interface Api {
  readonly app: FastifyInstance
  /** `authorization` header of the admin's API token. */
  readonly headers: Record<string, string>
  /** Calls as the platform admin (an API token with every scope). */
  call(method: Method, url: string, body?: unknown): Promise<{ status: number; body: any }>
  /** Calls with another token (or none: `undefined`). */
  callAs(
    token: string | undefined,
    method: Method,
    url: string,
    body?: unknown,
  ): Promise<{ status: number; body: any }>
  /** Creates a user and an API token for them; returns the token. */
  user(input: {
    username: string
    attributes?: Record<string, unknown>
    isAdmin?: boolean
    scopes?: string[]
  }): Promise<{
    id: string
    token: string
  }>
}

/** A Trellis instance over the test database, driven through `inject` (no open port), logged in as admin. */
export function useApi(
  ctx: { readonly database: Database },
  /** More build options (e.g. message transports), prepared before the app is built. */
  extra: () => Promise<Partial<AppOptions>> = async () => ({}),
): Api {
  let app: FastifyInstance | undefined
  let adminToken = ''
  beforeAll(async () => {
    app = await buildApp({
      config: { designerDir: undefined, timeZone: 'Asia/Shanghai', dataDir: tmpDataDir() },
      database: ctx.database,
      ...(await extra()),
    })
    const admin = await app.trellis.users.create({
      username: `admin_${Date.now()}`,
      password: 'admin-password',
      isAdmin: true,
    })
    adminToken = (await app.trellis.users.createToken(admin.id, { name: 'tests', scopes: [...tokenScopes] }))
      .token
  })
  afterAll(async () => {
    await app?.close()
  })
  const callAs: Api['callAs'] = async (token, method, url, body) => {
    const res = await app!.inject({
      method,
      url,
      headers: token ? { authorization: `Bearer ${token}` } : {},
      ...(body === undefined ? {} : { payload: body as object }),
    })
    const text = res.body
    return {
      status: res.statusCode,
      body: text && String(res.headers['content-type'] ?? '').includes('json') ? JSON.parse(text) : text,
    }
  }
  return {
    get app() {
      return app!
    },
    get headers() {
      return { authorization: `Bearer ${adminToken}` }
    },
    call: (method, url, body) => callAs(adminToken, method, url, body),
    callAs,
    async user(input) {
      const user = await app!.trellis.users.create({
        username: input.username,
        password: 'user-password',
        isAdmin: input.isAdmin ?? false,
        attributes: input.attributes ?? {},
      })
      const token = await app!.trellis.users.createToken(user.id, {
        name: 'tests',
        scopes: input.scopes ?? ['records:read', 'records:write'],
      })
      return { id: user.id, token: token.token }
    },
  }
}
