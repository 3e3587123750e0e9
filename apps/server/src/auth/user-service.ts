import type { Kysely } from 'kysely'
import type { PlatformTables } from '../db/tables.js'
import { AppError } from '../http/errors.js'
import { decoyHash, digest, hashPassword, newSecret, passwordPolicy, verifyPassword } from './secrets.js'
import type { Viewer } from './viewer.js'
import { writeAuditEntry } from '../audit/audit-entry.js'

export interface UserJson {
  id: string
  username: string
  displayName: string
  isAdmin: boolean
  attributes: Record<string, unknown>
  disabled: boolean
  createdAt: string
}

export interface NewUser {
  username: string
  displayName?: string
  password: string
  isAdmin?: boolean
  attributes?: Record<string, unknown>
}

export const lockout = { maxFailures: 5, minutes: 15 } as const
export const sessionDays = 7
export const tokenScopes = ['records:read', 'records:write', 'apps:admin', 'users:admin'] as const

const usernamePattern = /^[a-zA-Z0-9_.@-]{2,64}$/

function toJson(row: Record<string, unknown>): UserJson {
  return {
    id: String(row.id),
    username: String(row.username),
    displayName: String(row.display_name),
    isAdmin: Boolean(row.is_admin),
    attributes: (row.attributes ?? {}) as Record<string, unknown>,
    disabled: row.disabled_at !== null && row.disabled_at !== undefined,
    createdAt: new Date(row.created_at as string).toISOString(),
  }
}

function checkPassword(password: string, path: string): void {
  if (password.length < passwordPolicy.minLength || password.length > passwordPolicy.maxLength) {
    throw new AppError(
      400,
      'PASSWORD_WEAK',
      `A password needs ${passwordPolicy.minLength} to ${passwordPolicy.maxLength} characters`,
      path,
    )
  }
}

/**
 * Users, sessions and API tokens. Permissions are never stored on a session or token: they are read
 * from the user and the app memberships on every request, so a role change takes effect at once;
 * a password change or reset revokes every session and token of the user.
 */
export class UserService {
  /**
   * API tokens resolved in the last few seconds, so an integration's burst of requests costs one lookup.
   * Any change to the user in this process (revoke, reset, disable, role) drops their entries at once;
   * another process sees it within `tokenCacheMs`.
   */
  private readonly tokenCache = new Map<string, { viewer: Viewer; until: number }>()

  constructor(
    private readonly db: Kysely<PlatformTables>,
    private readonly now: () => Date = () => new Date(),
    private readonly tokenCacheMs = 5000,
  ) {}

  private forgetUser(userId: string): void {
    for (const [key, entry] of this.tokenCache)
      if (entry.viewer.userId === userId) this.tokenCache.delete(key)
  }

  async count(): Promise<number> {
    const row = await this.db
      .selectFrom('trellis.users')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirst()
    return Number(row?.n ?? 0)
  }

  async create(input: NewUser): Promise<UserJson> {
    if (!usernamePattern.test(input.username)) {
      throw new AppError(
        400,
        'USERNAME_INVALID',
        'A username has 2–64 letters, digits or . _ @ -',
        'username',
      )
    }
    checkPassword(input.password, 'password')
    const exists = await this.db
      .selectFrom('trellis.users')
      .select('id')
      .where('username', '=', input.username)
      .executeTakeFirst()
    if (exists)
      throw new AppError(409, 'USERNAME_TAKEN', `The username ${input.username} is taken`, 'username')
    const row = await this.db
      .insertInto('trellis.users')
      .values({
        username: input.username,
        display_name: input.displayName ?? input.username,
        password_hash: await hashPassword(input.password),
        is_admin: input.isAdmin ?? false,
        attributes: JSON.stringify(input.attributes ?? {}),
      })
      .returningAll()
      .executeTakeFirstOrThrow()
    return toJson(row as unknown as Record<string, unknown>)
  }

  async list(): Promise<UserJson[]> {
    const rows = await this.db.selectFrom('trellis.users').selectAll().orderBy('id').execute()
    return rows.map((row) => toJson(row as unknown as Record<string, unknown>))
  }

  async get(id: string): Promise<UserJson> {
    const row = await this.db.selectFrom('trellis.users').selectAll().where('id', '=', id).executeTakeFirst()
    if (!row) throw new AppError(404, 'USER_NOT_FOUND', `No user ${id}`)
    return toJson(row as unknown as Record<string, unknown>)
  }

  async update(
    id: string,
    changes: {
      displayName?: string
      isAdmin?: boolean
      attributes?: Record<string, unknown>
      disabled?: boolean
    },
  ): Promise<UserJson> {
    await this.get(id)
    const set: Record<string, unknown> = {}
    if (changes.displayName !== undefined) set.display_name = changes.displayName
    if (changes.isAdmin !== undefined) set.is_admin = changes.isAdmin
    if (changes.attributes !== undefined) set.attributes = JSON.stringify(changes.attributes)
    if (changes.disabled !== undefined) set.disabled_at = changes.disabled ? this.now() : null
    if (Object.keys(set).length)
      await this.db.updateTable('trellis.users').set(set).where('id', '=', id).execute()
    this.forgetUser(id)
    if (changes.disabled) await this.revokeAll(id)
    return this.get(id)
  }

  /**
   * Password login with lockout: after 5 failures the account is locked for 15 minutes, even for the
   * right password. Unknown users and wrong passwords get the same answer and take the same time.
   */
  async login(
    username: string,
    password: string,
  ): Promise<{ user: UserJson; session: string; csrfToken: string }> {
    const row = await this.db
      .selectFrom('trellis.users')
      .selectAll()
      .where('username', '=', username)
      .executeTakeFirst()
    const now = this.now()
    if (!row || row.disabled_at) {
      await verifyPassword(await decoyHash(), password)
      throw invalidLogin()
    }
    if (row.locked_until && new Date(row.locked_until) > now) {
      throw new AppError(
        423,
        'ACCOUNT_LOCKED',
        `Too many failed logins; try again after ${new Date(row.locked_until).toISOString()}`,
      )
    }
    if (!(await verifyPassword(row.password_hash, password))) {
      const failures = row.failed_logins + 1
      const locked = failures >= lockout.maxFailures
      await this.db
        .updateTable('trellis.users')
        .set({
          failed_logins: locked ? 0 : failures,
          locked_until: locked ? new Date(now.getTime() + lockout.minutes * 60_000) : null,
        })
        .where('id', '=', row.id)
        .execute()
      await this.audit(row.id, locked ? 'login_locked' : 'login_failed', { failures })
      throw invalidLogin()
    }
    await this.db
      .updateTable('trellis.users')
      .set({ failed_logins: 0, locked_until: null })
      .where('id', '=', row.id)
      .execute()
    const session = newSecret('s_')
    const csrfToken = newSecret()
    await this.db
      .insertInto('trellis.sessions')
      .values({
        id: digest(session),
        user_id: row.id,
        csrf_token: csrfToken,
        expires_at: new Date(now.getTime() + sessionDays * 86_400_000),
      })
      .execute()
    await this.audit(row.id, 'login', {})
    return { user: toJson(row as unknown as Record<string, unknown>), session, csrfToken }
  }

  async logout(session: string): Promise<void> {
    await this.db.deleteFrom('trellis.sessions').where('id', '=', digest(session)).execute()
  }

  async viewerFromSession(session: string): Promise<Viewer | undefined> {
    const row = await this.db
      .selectFrom('trellis.sessions as s')
      .innerJoin('trellis.users as u', 'u.id', 's.user_id')
      .select([
        'u.id',
        'u.username',
        'u.is_admin',
        'u.attributes',
        'u.disabled_at',
        's.expires_at',
        's.csrf_token',
        's.id as session_id',
      ])
      .where('s.id', '=', digest(session))
      .executeTakeFirst()
    if (!row || row.disabled_at || new Date(row.expires_at) <= this.now()) return undefined
    return {
      userId: String(row.id),
      username: row.username,
      isAdmin: row.is_admin,
      attributes: row.attributes,
      via: 'session',
      scopes: 'all',
      sessionId: row.session_id,
      csrfToken: row.csrf_token,
    }
  }

  async viewerFromToken(token: string): Promise<Viewer | undefined> {
    const key = digest(token)
    const cached = this.tokenCache.get(key)
    if (cached && cached.until > Date.now()) return cached.viewer
    const viewer = await this.lookupToken(token)
    if (viewer) {
      if (this.tokenCache.size >= 10_000) this.tokenCache.clear()
      this.tokenCache.set(key, { viewer, until: Date.now() + this.tokenCacheMs })
    }
    return viewer
  }

  private async lookupToken(token: string): Promise<Viewer | undefined> {
    const row = await this.db
      .selectFrom('trellis.api_tokens as t')
      .innerJoin('trellis.users as u', 'u.id', 't.user_id')
      .select([
        'u.id',
        'u.username',
        'u.is_admin',
        'u.attributes',
        'u.disabled_at',
        't.id as token_id',
        't.scopes',
        't.expires_at',
        't.revoked_at',
      ])
      .where('t.token_hash', '=', digest(token))
      .executeTakeFirst()
    if (!row || row.disabled_at || row.revoked_at) return undefined
    if (row.expires_at && new Date(row.expires_at) <= this.now()) return undefined
    return {
      userId: String(row.id),
      username: row.username,
      isAdmin: row.is_admin,
      attributes: row.attributes,
      via: 'token',
      scopes: new Set(row.scopes),
    }
  }

  async createToken(
    userId: string,
    input: { name: string; scopes: string[]; expiresAt?: Date },
  ): Promise<{ id: string; token: string; name: string; scopes: string[] }> {
    const token = newSecret('trl_')
    const row = await this.db
      .insertInto('trellis.api_tokens')
      .values({
        user_id: userId,
        name: input.name,
        token_hash: digest(token),
        scopes: input.scopes,
        expires_at: input.expiresAt ?? null,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    return { id: String(row.id), token, name: input.name, scopes: input.scopes }
  }

  async listTokens(userId: string) {
    const rows = await this.db
      .selectFrom('trellis.api_tokens')
      .select(['id', 'name', 'scopes', 'created_at', 'expires_at', 'revoked_at'])
      .where('user_id', '=', userId)
      .orderBy('id')
      .execute()
    return rows.map((r) => ({
      id: String(r.id),
      name: r.name,
      scopes: r.scopes,
      createdAt: new Date(r.created_at).toISOString(),
      expiresAt: r.expires_at ? new Date(r.expires_at).toISOString() : null,
      revoked: r.revoked_at !== null,
    }))
  }

  async revokeToken(userId: string, tokenId: string): Promise<void> {
    const result = await this.db
      .updateTable('trellis.api_tokens')
      .set({ revoked_at: this.now() })
      .where('id', '=', tokenId)
      .where('user_id', '=', userId)
      .where('revoked_at', 'is', null)
      .executeTakeFirst()
    if (result.numUpdatedRows === 0n) throw new AppError(404, 'TOKEN_NOT_FOUND', `No active token ${tokenId}`)
    this.forgetUser(userId)
  }

  async changePassword(userId: string, current: string, next: string): Promise<void> {
    const row = await this.db
      .selectFrom('trellis.users')
      .select('password_hash')
      .where('id', '=', userId)
      .executeTakeFirstOrThrow()
    if (!(await verifyPassword(row.password_hash, current))) {
      throw new AppError(400, 'PASSWORD_WRONG', 'The current password is not right', 'current')
    }
    await this.setPassword(userId, next, 'next')
  }

  /** An admin's reset: no current password, and every session and token of the user stops working. */
  async resetPassword(userId: string, next: string): Promise<void> {
    await this.get(userId)
    await this.setPassword(userId, next, 'password')
  }

  /** First start: create the first admin (password from the environment, or generated and shown once). */
  async bootstrapAdmin(password?: string): Promise<{ username: string; password: string } | undefined> {
    if ((await this.count()) > 0) return undefined
    const chosen = password ?? newSecret().slice(0, 16)
    await this.create({ username: 'admin', displayName: '管理员 Admin', password: chosen, isAdmin: true })
    return { username: 'admin', password: chosen }
  }

  private async setPassword(userId: string, password: string, path: string): Promise<void> {
    checkPassword(password, path)
    await this.db
      .updateTable('trellis.users')
      .set({
        password_hash: await hashPassword(password),
        password_changed_at: this.now(),
        failed_logins: 0,
        locked_until: null,
      })
      .where('id', '=', userId)
      .execute()
    await this.revokeAll(userId)
    await this.audit(userId, 'password_changed', {})
  }

  private async revokeAll(userId: string): Promise<void> {
    this.forgetUser(userId)
    await this.db.deleteFrom('trellis.sessions').where('user_id', '=', userId).execute()
    await this.db
      .updateTable('trellis.api_tokens')
      .set({ revoked_at: this.now() })
      .where('user_id', '=', userId)
      .where('revoked_at', 'is', null)
      .execute()
  }

  /** Security events go to the same append-only audit log as record changes. */
  async audit(
    userId: string | null,
    action: string,
    details: Record<string, unknown>,
    actor?: string | null,
  ): Promise<void> {
    await writeAuditEntry(this.db, {
      actor: actor ?? userId,
      app: '_platform',
      form: 'users',
      record: userId ?? '',
      action,
      after: details,
    })
  }
}

function invalidLogin(): AppError {
  return new AppError(401, 'LOGIN_FAILED', 'Wrong username or password')
}
