import type { ColumnType, Generated } from 'kysely'

/** The platform's own tables (schema `trellis`). App records live in per-app schemas. */
export interface PlatformTables {
  'trellis.apps': AppsTable
  'trellis.app_versions': AppVersionsTable
  'trellis.audit_log': AuditLogTable
  'trellis.outbox': OutboxTable
  'trellis.files': FilesTable
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
