import { sql } from 'kysely'
import { describe, expect, it } from 'vitest'
import { useApi } from './support/api.js'
import { describeEachDatabase } from './support/databases.js'

describeEachDatabase('identity: logins, sessions, API tokens', (ctx) => {
  const api = useApi(ctx)
  const login = (username: string, password: string) =>
    api.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password } })
  const cookieOf = (res: { headers: Record<string, unknown> }) =>
    String(res.headers['set-cookie']).split(';')[0]!

  it('refuses anonymous API calls but answers health', async () => {
    expect((await api.callAs(undefined, 'GET', '/api/apps')).body).toMatchObject({ code: 'UNAUTHENTICATED' })
    expect((await api.callAs(undefined, 'GET', '/api/health')).status).toBe(200)
    expect((await api.callAs('trl_forged', 'GET', '/api/apps')).body).toMatchObject({ code: 'TOKEN_INVALID' })
  })

  it('stores passwords as argon2id and answers a wrong password and an unknown user alike', async () => {
    await api.user({ username: 'lily' })
    const { rows } = await sql<{
      password_hash: string
    }>`select password_hash from trellis.users where username = 'lily'`.execute(ctx.database.db)
    expect(rows[0]!.password_hash).toMatch(/^\$argon2id\$/)
    const wrong = await login('lily', 'nope-nope')
    const unknown = await login('nobody', 'nope-nope')
    expect(wrong.statusCode).toBe(401)
    expect(unknown.statusCode).toBe(401)
    expect(wrong.json()).toEqual(unknown.json())
  })

  it('logs in with an HTTP-only cookie and demands the CSRF token on writes', async () => {
    const res = await login('lily', 'user-password')
    expect(res.statusCode).toBe(200)
    const setCookie = String(res.headers['set-cookie'])
    expect(setCookie).toMatch(/HttpOnly/i)
    expect(setCookie).toMatch(/SameSite=Lax/i)
    const cookie = cookieOf(res)
    const me = await api.app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie } })
    expect(me.json().user.username).toBe('lily')
    const noCsrf = await api.app.inject({
      method: 'POST',
      url: '/api/auth/tokens',
      headers: { cookie },
      payload: { name: 'x', scopes: ['records:read'] },
    })
    expect(noCsrf.json()).toMatchObject({ code: 'CSRF_FAILED' })
    const withCsrf = await api.app.inject({
      method: 'POST',
      url: '/api/auth/tokens',
      headers: { cookie, 'x-csrf-token': res.json().csrfToken },
      payload: { name: 'reader', scopes: ['records:read'] },
    })
    expect(withCsrf.statusCode).toBe(201)
    expect(withCsrf.json().token).toMatch(/^trl_/)
    const escalate = await api.app.inject({
      method: 'POST',
      url: '/api/auth/tokens',
      headers: { cookie, 'x-csrf-token': res.json().csrfToken },
      payload: { name: 'x', scopes: ['apps:admin'] },
    })
    expect(escalate.json()).toMatchObject({ code: 'ADMIN_ONLY', path: 'scopes' })
  })

  it('locks an account after five failures, even for the right password', async () => {
    await api.user({ username: 'target' })
    for (let i = 0; i < 5; i++) expect((await login('target', `guess-${i}`)).statusCode).toBe(401)
    const locked = await login('target', 'user-password')
    expect(locked.statusCode).toBe(423)
    expect(locked.json().code).toBe('ACCOUNT_LOCKED')
    const { rows } = await sql<{
      action: string
    }>`select action from trellis.audit_log where app_key = '_platform'
      and record_id = (select id::text from trellis.users where username = 'target') order by id`.execute(
      ctx.database.db,
    )
    expect(rows.map((r) => r.action)).toEqual([
      'login_failed',
      'login_failed',
      'login_failed',
      'login_failed',
      'login_locked',
    ])
  })

  it('keeps API tokens within their scopes and stops revoked ones', async () => {
    const reader = await api.user({ username: 'reader', scopes: ['records:read'] })
    expect((await api.callAs(reader.token, 'POST', '/api/files')).body).toMatchObject({ code: 'TOKEN_SCOPE' })
    const tokens = await api.app.trellis.users.listTokens(reader.id)
    await api.app.trellis.users.revokeToken(reader.id, tokens[0]!.id)
    expect((await api.callAs(reader.token, 'GET', '/api/apps')).body).toMatchObject({ code: 'TOKEN_INVALID' })
  })

  it('ends every session and token of a user whose password an admin resets', async () => {
    const sam = await api.user({ username: 'sam' })
    const cookie = cookieOf(await login('sam', 'user-password'))
    expect((await api.callAs(sam.token, 'GET', '/api/apps')).status).toBe(200)
    const reset = await api.call('POST', `/api/users/${sam.id}/reset-password`, {
      password: 'brand-new-pass',
    })
    expect(reset.status).toBe(204)
    expect((await api.callAs(sam.token, 'GET', '/api/apps')).status).toBe(401)
    expect(
      (await api.app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie } })).json(),
    ).toEqual({
      user: null,
    })
    expect((await login('sam', 'brand-new-pass')).statusCode).toBe(200)
  })

  it('refuses a disabled user and keeps administration for admins', async () => {
    const eve = await api.user({ username: 'eve' })
    expect((await api.callAs(eve.token, 'GET', '/api/users')).body).toMatchObject({ code: 'ADMIN_ONLY' })
    expect(
      (await api.callAs(eve.token, 'POST', '/api/apps', { key: 'x', name: { en: 'x' }, forms: [] })).status,
    ).toBe(403)
    const selfPromote = await api.callAs(eve.token, 'PATCH', `/api/users/${eve.id}`, { isAdmin: true })
    expect(selfPromote.status).toBe(403)
    await api.call('PATCH', `/api/users/${eve.id}`, { disabled: true })
    expect((await api.callAs(eve.token, 'GET', '/api/apps')).status).toBe(401)
    expect((await login('eve', 'user-password')).statusCode).toBe(401)
  })

  describe('HTTP hardening', () => {
    it('sends security headers', async () => {
      const res = await api.app.inject({ method: 'GET', url: '/api/health' })
      expect(res.headers['x-content-type-options']).toBe('nosniff')
      expect(res.headers['x-frame-options']).toBeDefined()
      expect(res.headers['content-security-policy']).toContain("default-src 'self'")
      expect(res.headers['access-control-allow-origin']).toBeUndefined()
    })
  })
})
