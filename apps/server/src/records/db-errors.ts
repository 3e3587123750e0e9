import { AppError } from '../http/errors.js'
import type { CompiledForm, PublishedApp } from '../apps/published-app.js'

interface PgError {
  code?: string
  detail?: string
  constraint?: string
  column?: string
}

const fieldOf = (form: CompiledForm, column: string | undefined): string | undefined => {
  if (!column) return undefined
  for (const [field, spec] of form.columns) if (spec.column === column) return field
  return undefined
}

/** Maps PostgreSQL constraint errors (same codes on PGlite) to API errors with the field path. */
export function translateDbError(error: unknown, form: CompiledForm, app?: PublishedApp): unknown {
  const pg = error as PgError
  if (!pg || typeof pg.code !== 'string') return error
  const keyColumn = /^Key \(([a-z0-9_]+)\)=/.exec(pg.detail ?? '')?.[1]
  switch (pg.code) {
    case '23505': {
      const field = fieldOf(form, keyColumn)
      return new AppError(
        409,
        'UNIQUE_VIOLATION',
        `Another record already has this ${field ?? 'value'}`,
        field,
      )
    }
    case '23503': {
      const field = fieldOf(form, keyColumn)
      return new AppError(400, 'RELATION_NOT_FOUND', `The related record does not exist`, field)
    }
    case '42703':
    case '42P01':
      // The table changed under a cached definition (a publish by another process moments ago).
      app?.markStale()
      return new AppError(409, 'APP_CHANGED', 'The app was just published again; retry the request')
    case '22003':
      return new AppError(400, 'VALUE_OUT_OF_RANGE', 'A number is out of the range its field can store')
    default:
      return error
  }
}
