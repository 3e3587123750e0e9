import type { AppDefinition } from '@trellis/form-engine'
import { fail } from './errors.js'

/**
 * What compilePivot compiles against: the published app definition (forms, fields, options, relations)
 * and the PostgreSQL schema holding its tables (chosen by the server, e.g. `app_shop`). Each form's
 * table and column names come from `planColumns`, so no identifier is ever taken from a spec.
 */
export interface PivotSchema {
  app: AppDefinition
  dbSchema: string
  /** Date buckets' zone; default the app's `timeZone`, else Asia/Shanghai. */
  timeZone?: string
}

export const DEFAULT_TIME_ZONE = 'Asia/Shanghai'

/** Zones found valid: building an `Intl.DateTimeFormat` to check one cost half a millisecond per pivot. */
const knownZones = new Set<string>()

export function timeZoneOf(schema: PivotSchema): string {
  const zone = schema.timeZone ?? schema.app.timeZone ?? DEFAULT_TIME_ZONE
  if (knownZones.has(zone)) return zone
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone })
  } catch {
    fail('invalid_time_zone', `Unknown time zone "${zone}"`, 'timeZone')
  }
  knownZones.add(zone)
  return zone
}

/** `^[a-z_][a-z0-9_]*$` schema names only: they are rendered as identifiers. */
export function checkDbSchema(name: string): void {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name))
    fail('invalid_schema', `Bad database schema "${name}"`, 'dbSchema')
}
