import type { Kysely } from 'kysely'
import type { CompiledForm, PublishedApp } from '../apps/published-app.js'
import type { PlatformTables } from '../db/tables.js'
import { AppError } from '../http/errors.js'
import { FormAccess } from './access.js'
import type { Viewer } from './viewer.js'

/** Resolves a viewer's access to a form: system and platform admins see everything, members by role. */
export class AccessService {
  constructor(private readonly db: Kysely<PlatformTables>) {}

  async roleOf(appKey: string, viewer: Viewer): Promise<string | undefined> {
    const row = await this.db
      .selectFrom('trellis.app_members')
      .select('role')
      .where('app_key', '=', appKey)
      .where('user_id', '=', viewer.userId)
      .executeTakeFirst()
    return row?.role
  }

  /** A resolver for every form of one app, with the membership looked up once per request. */
  async resolver(app: PublishedApp, viewer: Viewer | undefined): Promise<(form: CompiledForm) => FormAccess> {
    if (!viewer || viewer.isAdmin) return (form) => FormAccess.full(form)
    const role = await this.roleOf(app.key, viewer)
    if (!role) throw new AppError(403, 'APP_FORBIDDEN', `You are not a member of app ${app.key}`)
    return (form) => FormAccess.forRole(app, form, role, viewer)
  }

  async setMember(appKey: string, userId: string, role: string): Promise<void> {
    await this.db
      .insertInto('trellis.app_members')
      .values({ app_key: appKey, user_id: userId, role })
      .onConflict((oc) => oc.columns(['app_key', 'user_id']).doUpdateSet({ role }))
      .execute()
  }

  async removeMember(appKey: string, userId: string): Promise<void> {
    await this.db
      .deleteFrom('trellis.app_members')
      .where('app_key', '=', appKey)
      .where('user_id', '=', userId)
      .execute()
  }

  async members(appKey: string) {
    const rows = await this.db
      .selectFrom('trellis.app_members as m')
      .innerJoin('trellis.users as u', 'u.id', 'm.user_id')
      .select(['u.id', 'u.username', 'u.display_name', 'm.role'])
      .where('m.app_key', '=', appKey)
      .orderBy('u.id')
      .execute()
    return rows.map((r) => ({
      userId: String(r.id),
      username: r.username,
      displayName: r.display_name,
      role: r.role,
    }))
  }

  async appsOf(viewer: Viewer): Promise<string[]> {
    const rows = await this.db
      .selectFrom('trellis.app_members')
      .select('app_key')
      .where('user_id', '=', viewer.userId)
      .execute()
    return rows.map((r) => r.app_key)
  }
}
