import rateLimit from '@fastify/rate-limit'
import type { FastifyInstance } from 'fastify'
import type { AccessService } from '../auth/access-service.js'
import { requireAdmin, requireViewer, sessionCookie } from '../auth/authenticate.js'
import { sessionDays, tokenScopes, type UserService } from '../auth/user-service.js'
import { AppError } from '../http/errors.js'

const userSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    username: { type: 'string' },
    displayName: { type: 'string' },
    isAdmin: { type: 'boolean' },
    attributes: { type: 'object', additionalProperties: true },
    disabled: { type: 'boolean' },
    createdAt: { type: 'string' },
  },
} as const
const idParams = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', pattern: '^[1-9][0-9]{0,18}$' } },
} as const
const password = { type: 'string', minLength: 1, maxLength: 200 } as const
const attributes = {
  type: 'object',
  maxProperties: 50,
  propertyNames: { pattern: '^[a-z][a-zA-Z0-9_]{0,62}$' },
  additionalProperties: {
    anyOf: [{ type: 'string' }, { type: 'number' }, { type: 'boolean' }, { type: 'null' }, { type: 'array' }],
  },
} as const

export async function registerAuthRoutes(
  app: FastifyInstance,
  users: UserService,
  access: AccessService,
  options: { secureCookies: boolean },
): Promise<void> {
  const tags = ['auth']
  // Limits are per user once authenticated (so an office behind one address is not one bucket), else per address.
  await app.register(rateLimit, {
    global: false,
    keyGenerator: (request) => (request.viewer ? `user:${request.viewer.userId}` : `ip:${request.ip}`),
  })

  app.post<{ Body: { username: string; password: string } }>(
    '/api/auth/login',
    {
      // Per address; the per-account lockout in UserService stops slow guessing from many addresses.
      config: { rateLimit: { max: 20, timeWindow: '1 minute' } },
      schema: {
        tags,
        summary: 'Log in with a password; sets an HTTP-only session cookie and returns the CSRF token',
        body: {
          type: 'object',
          required: ['username', 'password'],
          additionalProperties: false,
          properties: { username: { type: 'string', minLength: 1, maxLength: 64 }, password },
        },
        response: {
          200: { type: 'object', properties: { user: userSchema, csrfToken: { type: 'string' } } },
        },
      },
    },
    async (request, reply) => {
      const { user, session, csrfToken } = await users.login(request.body.username, request.body.password)
      reply.setCookie(sessionCookie, session, {
        httpOnly: true,
        sameSite: 'lax',
        secure: options.secureCookies,
        path: '/',
        maxAge: sessionDays * 86_400,
      })
      return { user, csrfToken }
    },
  )

  app.post(
    '/api/auth/logout',
    { schema: { tags, response: { 204: { type: 'null' } } } },
    async (request, reply) => {
      const session = request.cookies[sessionCookie]
      if (session) await users.logout(session)
      reply.clearCookie(sessionCookie, { path: '/' })
      return reply.status(204).send()
    },
  )

  app.get(
    '/api/auth/me',
    {
      schema: {
        tags,
        response: {
          200: {
            type: 'object',
            properties: {
              user: { anyOf: [userSchema, { type: 'null' }] },
              csrfToken: { type: 'string' },
              via: { type: 'string' },
            },
          },
        },
      },
    },
    async (request) => {
      // Anonymous callers get `{ user: null }`: the designer asks this on every first visit.
      const viewer = request.viewer
      if (!viewer) return { user: null }
      return { user: await users.get(viewer.userId), csrfToken: viewer.csrfToken, via: viewer.via }
    },
  )

  app.post<{ Body: { current: string; next: string } }>(
    '/api/auth/password',
    {
      config: { rateLimit: { max: 10, timeWindow: '1 minute' } },
      schema: {
        tags,
        summary: 'Change your password; every session and API token of yours stops working',
        body: {
          type: 'object',
          required: ['current', 'next'],
          additionalProperties: false,
          properties: { current: password, next: password },
        },
        response: { 204: { type: 'null' } },
      },
    },
    async (request, reply) => {
      const viewer = requireViewer(request)
      if (viewer.via !== 'session')
        throw new AppError(403, 'SESSION_REQUIRED', 'Change passwords from a logged-in session')
      await users.changePassword(viewer.userId, request.body.current, request.body.next)
      return reply.status(204).send()
    },
  )

  const tokenBody = {
    type: 'object',
    required: ['name', 'scopes'],
    additionalProperties: false,
    properties: {
      name: { type: 'string', minLength: 1, maxLength: 100 },
      scopes: {
        type: 'array',
        minItems: 1,
        uniqueItems: true,
        items: { type: 'string', enum: [...tokenScopes] },
      },
      expiresInDays: { type: 'integer', minimum: 1, maximum: 3650 },
    },
  } as const
  app.post<{ Body: { name: string; scopes: string[]; expiresInDays?: number } }>(
    '/api/auth/tokens',
    {
      schema: {
        tags,
        summary: 'Create an API token (shown once); send it as `Authorization: Bearer <token>`',
        body: tokenBody,
        response: {
          201: {
            type: 'object',
            properties: {
              id: { type: 'string' },
              token: { type: 'string' },
              name: { type: 'string' },
              scopes: { type: 'array', items: { type: 'string' } },
            },
          },
        },
      },
    },
    async (request, reply) => {
      const viewer = requireViewer(request)
      if (viewer.via !== 'session')
        throw new AppError(403, 'SESSION_REQUIRED', 'Create API tokens from a logged-in session')
      const { name, scopes, expiresInDays } = request.body
      const admin = scopes.filter((s) => s.endsWith(':admin'))
      if (admin.length && !viewer.isAdmin)
        throw new AppError(403, 'ADMIN_ONLY', `Only administrators may grant ${admin.join(', ')}`, 'scopes')
      const token = await users.createToken(viewer.userId, {
        name,
        scopes,
        ...(expiresInDays ? { expiresAt: new Date(Date.now() + expiresInDays * 86_400_000) } : {}),
      })
      return reply.status(201).send(token)
    },
  )

  app.get(
    '/api/auth/tokens',
    {
      schema: {
        tags,
        response: { 200: { type: 'array', items: { type: 'object', additionalProperties: true } } },
      },
    },
    (request) => users.listTokens(requireViewer(request).userId),
  )

  app.delete<{ Params: { id: string } }>(
    '/api/auth/tokens/:id',
    { schema: { tags, params: idParams, response: { 204: { type: 'null' } } } },
    async (request, reply) => {
      await users.revokeToken(requireViewer(request).userId, request.params.id)
      return reply.status(204).send()
    },
  )

  // Administration of users (platform admins only).
  const adminTags = ['users']
  app.get(
    '/api/users',
    { schema: { tags: adminTags, response: { 200: { type: 'array', items: userSchema } } } },
    (request) => {
      requireAdmin(request, 'users:admin')
      return users.list()
    },
  )

  app.post<{
    Body: {
      username: string
      password: string
      displayName?: string
      isAdmin?: boolean
      attributes?: Record<string, unknown>
    }
  }>(
    '/api/users',
    {
      schema: {
        tags: adminTags,
        body: {
          type: 'object',
          required: ['username', 'password'],
          additionalProperties: false,
          properties: {
            username: { type: 'string' },
            password,
            displayName: { type: 'string', maxLength: 100 },
            isAdmin: { type: 'boolean' },
            attributes,
          },
        },
        response: { 201: userSchema },
      },
    },
    async (request, reply) => {
      const admin = requireAdmin(request, 'users:admin')
      const user = await users.create(request.body)
      await users.audit(
        user.id,
        'user_created',
        { isAdmin: user.isAdmin, attributes: user.attributes },
        admin.username,
      )
      return reply.status(201).send(user)
    },
  )

  app.patch<{
    Params: { id: string }
    Body: {
      displayName?: string
      isAdmin?: boolean
      attributes?: Record<string, unknown>
      disabled?: boolean
    }
  }>(
    '/api/users/:id',
    {
      schema: {
        tags: adminTags,
        params: idParams,
        body: {
          type: 'object',
          additionalProperties: false,
          properties: {
            displayName: { type: 'string', maxLength: 100 },
            isAdmin: { type: 'boolean' },
            attributes,
            disabled: { type: 'boolean' },
          },
        },
        response: { 200: userSchema },
      },
    },
    async (request) => {
      const admin = requireAdmin(request, 'users:admin')
      const user = await users.update(request.params.id, request.body)
      await users.audit(user.id, 'user_changed', request.body, admin.username)
      return user
    },
  )

  app.post<{ Params: { id: string }; Body: { password: string } }>(
    '/api/users/:id/reset-password',
    {
      schema: {
        tags: adminTags,
        summary: "Set a user's password; their sessions and API tokens stop working",
        params: idParams,
        body: {
          type: 'object',
          required: ['password'],
          additionalProperties: false,
          properties: { password },
        },
        response: { 204: { type: 'null' } },
      },
    },
    async (request, reply) => {
      const admin = requireAdmin(request, 'users:admin')
      await users.resetPassword(request.params.id, request.body.password)
      await users.audit(request.params.id, 'password_reset', {}, admin.username)
      return reply.status(204).send()
    },
  )

  // App membership: which role a user has in an app.
  const memberParams = {
    type: 'object',
    required: ['app', 'id'],
    properties: { app: { type: 'string', pattern: '^[a-z][a-z0-9_]{0,39}$' }, id: idParams.properties.id },
  } as const
  app.get<{ Params: { app: string } }>(
    '/api/apps/:app/members',
    {
      schema: {
        tags: adminTags,
        response: { 200: { type: 'array', items: { type: 'object', additionalProperties: true } } },
      },
    },
    (request) => {
      requireAdmin(request, 'users:admin')
      return access.members(request.params.app)
    },
  )
  app.put<{ Params: { app: string; id: string }; Body: { role: string } }>(
    '/api/apps/:app/members/:id',
    {
      schema: {
        tags: adminTags,
        params: memberParams,
        body: {
          type: 'object',
          required: ['role'],
          additionalProperties: false,
          properties: { role: { type: 'string', pattern: '^[a-z][a-z0-9_]{0,62}$' } },
        },
        response: { 204: { type: 'null' } },
      },
    },
    async (request, reply) => {
      const admin = requireAdmin(request, 'users:admin')
      await users.get(request.params.id)
      await access.setMember(request.params.app, request.params.id, request.body.role)
      await users.audit(
        request.params.id,
        'member_set',
        { app: request.params.app, role: request.body.role },
        admin.username,
      )
      return reply.status(204).send()
    },
  )
  app.delete<{ Params: { app: string; id: string } }>(
    '/api/apps/:app/members/:id',
    { schema: { tags: adminTags, params: memberParams, response: { 204: { type: 'null' } } } },
    async (request, reply) => {
      const admin = requireAdmin(request, 'users:admin')
      await access.removeMember(request.params.app, request.params.id)
      await users.audit(request.params.id, 'member_removed', { app: request.params.app }, admin.username)
      return reply.status(204).send()
    },
  )
}
