import pg from 'pg'

export const benchPostgresUrl =
  process.env.TRELLIS_BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test'

/** A fresh database for one benchmark on the local PostgreSQL; dropped by the returned function. */
export async function freshDatabase(name: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const admin = new pg.Client({ connectionString: benchPostgresUrl })
  await admin.connect()
  await admin.query(`drop database if exists ${name} with (force)`)
  await admin.query(`create database ${name}`)
  await admin.end()
  const url = new URL(benchPostgresUrl)
  url.pathname = `/${name}`
  return {
    url: url.toString(),
    drop: async () => {
      const client = new pg.Client({ connectionString: benchPostgresUrl })
      await client.connect()
      await client.query(`drop database if exists ${name} with (force)`)
      await client.end()
    },
  }
}

export function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)
  return sorted[Math.max(0, index)]!
}
