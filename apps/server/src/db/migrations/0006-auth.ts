import { sql, type Kysely } from 'kysely'

/** Identity: users, cookie sessions, API tokens and app memberships (a user's role in an app). */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .withSchema('trellis')
    .createTable('users')
    .addColumn('id', 'bigint', (c) => c.generatedAlwaysAsIdentity().primaryKey())
    .addColumn('username', 'text', (c) => c.notNull().unique())
    .addColumn('display_name', 'text', (c) => c.notNull())
    .addColumn('password_hash', 'text', (c) => c.notNull())
    .addColumn('is_admin', 'boolean', (c) => c.notNull().defaultTo(false))
    // Attributes row scopes refer to as $user.<name>, e.g. { "store": "3" }.
    .addColumn('attributes', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('disabled_at', 'timestamptz')
    .addColumn('failed_logins', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('locked_until', 'timestamptz')
    .addColumn('password_changed_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute()
  await db.schema
    .withSchema('trellis')
    .createTable('sessions')
    // sha256 of the cookie value: a leaked database does not yield usable sessions.
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'bigint', (c) => c.notNull().references('trellis.users.id').onDelete('cascade'))
    .addColumn('csrf_token', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .execute()
  await db.schema
    .withSchema('trellis')
    .createTable('api_tokens')
    .addColumn('id', 'bigint', (c) => c.generatedAlwaysAsIdentity().primaryKey())
    .addColumn('user_id', 'bigint', (c) => c.notNull().references('trellis.users.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('scopes', sql`text[]`, (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('expires_at', 'timestamptz')
    .addColumn('revoked_at', 'timestamptz')
    .addColumn('last_used_at', 'timestamptz')
    .execute()
  await db.schema
    .withSchema('trellis')
    .createTable('app_members')
    .addColumn('app_key', 'text', (c) => c.notNull().references('trellis.apps.key').onDelete('cascade'))
    .addColumn('user_id', 'bigint', (c) => c.notNull().references('trellis.users.id').onDelete('cascade'))
    .addColumn('role', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('app_members_pk', ['app_key', 'user_id'])
    .execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['app_members', 'api_tokens', 'sessions', 'users']) {
    await db.schema.withSchema('trellis').dropTable(table).execute()
  }
}
