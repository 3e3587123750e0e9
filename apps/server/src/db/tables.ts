import type { ColumnType, Generated } from 'kysely'

/** The platform's own tables (schema `trellis`). App records live in per-app schemas. */
export interface PlatformTables {
  'trellis.apps': AppsTable
  'trellis.app_versions': AppVersionsTable
  'trellis.audit_log': AuditLogTable
  'trellis.outbox': OutboxTable
  'trellis.files': FilesTable
  'trellis.users': UsersTable
  'trellis.sessions': SessionsTable
  'trellis.api_tokens': ApiTokensTable
  'trellis.app_members': AppMembersTable
  'trellis.consents': ConsentsTable
}

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>
type Json<T = unknown> = ColumnType<T, string, string>

export interface AppsTable {
  key: string
  name: Json<Record<string, string>>
  draft: Json
  published_version: number | null
  created_at: Timestamp
  updated_at: Timestamp
}

export interface AppVersionsTable {
  app_key: string
  version: number
  definition: Json
  published_at: Timestamp
  published_by: string | null
}

export interface AuditLogTable {
  id: Generated<string>
  at: Timestamp
  actor: string | null
  app_key: string
  form_key: string
  record_id: string
  action: string
  before: Json | null
  after: Json | null
}

export interface OutboxTable {
  id: Generated<string>
  at: Timestamp
  topic: string
  payload: Json
  processed_at: Timestamp | null
}

export interface FilesTable {
  id: string
  name: string
  type: string
  size: ColumnType<string, number, number>
  sha256: string
  created_at: Timestamp
  created_by: string | null
}

export interface UsersTable {
  id: Generated<string>
  username: string
  display_name: string
  password_hash: string
  is_admin: ColumnType<boolean, boolean | undefined, boolean>
  attributes: ColumnType<Record<string, unknown>, string | undefined, string>
  disabled_at: Timestamp | null
  failed_logins: ColumnType<number, number | undefined, number>
  locked_until: Timestamp | null
  password_changed_at: ColumnType<Date, Date | string | undefined, Date | string>
  created_at: ColumnType<Date, Date | string | undefined, Date | string>
}

export interface SessionsTable {
  id: string
  user_id: string
  csrf_token: string
  created_at: ColumnType<Date, Date | string | undefined, Date | string>
  expires_at: Timestamp
}

export interface ApiTokensTable {
  id: Generated<string>
  user_id: string
  name: string
  token_hash: string
  scopes: string[]
  created_at: ColumnType<Date, Date | string | undefined, Date | string>
  expires_at: Timestamp | null
  revoked_at: Timestamp | null
  last_used_at: Timestamp | null
}

export interface AppMembersTable {
  app_key: string
  user_id: string
  role: string
}

export interface ConsentsTable {
  id: Generated<string>
  app_key: string
  form_key: string
  record_id: string
  channel: string
  granted: boolean
  source: string
  at: ColumnType<Date, Date | string | undefined, Date | string>
  actor: string | null
}
