import { AppError } from '../http/errors.js'

/** App keys name a PostgreSQL schema (`app_<key>`), so they are checked before any SQL is built. */
const appKeyPattern = /^[a-z][a-z0-9_]{0,39}$/

export function assertAppKey(key: string, path = 'key'): void {
  if (!appKeyPattern.test(key)) {
    throw new AppError(
      400,
      'APP_KEY_INVALID',
      `App key "${key}" must start with a lower-case letter and use only a-z, 0-9 and _ (at most 40 characters)`,
      path,
    )
  }
}

/** The PostgreSQL schema holding one app's record tables. */
export function appSchemaName(appKey: string): string {
  assertAppKey(appKey)
  return `app_${appKey}`
}
