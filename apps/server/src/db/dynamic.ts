import type { Kysely, Transaction } from 'kysely'

/**
 * Record tables are defined at run time by app definitions, so their kysely handle is untyped.
 * Every identifier used with it comes from a form's column plan (validated keys), never from a request.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type DynamicDb = Kysely<any> | Transaction<any>
