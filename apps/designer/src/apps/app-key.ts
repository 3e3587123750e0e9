import { suggestKey } from '../forms/state/keys'

/** The server's pattern for app keys (they name a PostgreSQL schema `app_<key>`). */
export const APP_KEY = /^[a-z][a-z0-9_]{0,39}$/

export function suggestAppKey(name: string, taken: readonly string[]): string {
  return suggestKey(name, 'app', taken).slice(0, 40)
}
