import {
  DummyDriver,
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type RawBuilder,
} from 'kysely'

// kysely's documented way to build SQL without a connection: the dummy driver never connects, so the
// engine stays pure and the host runs the `{ sql, parameters }` it returns.
const compiler = new Kysely<unknown>({
  dialect: {
    createAdapter: () => new PostgresAdapter(),
    createDriver: () => new DummyDriver(),
    createIntrospector: (db) => new PostgresIntrospector(db),
    createQueryCompiler: () => new PostgresQueryCompiler(),
  },
})

export interface CompiledSql {
  sql: string
  parameters: readonly unknown[]
}

export function compileSql(query: RawBuilder<unknown>): CompiledSql {
  const { sql, parameters } = query.compile(compiler)
  return { sql, parameters }
}
