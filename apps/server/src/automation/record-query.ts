import { conditionToSql, type ConditionContext, type JsonLogic } from '@trellis/rule-engine'
import { sql } from 'kysely'
import type { PublishedApp } from '../apps/published-app.js'
import type { DynamicDb } from '../db/dynamic.js'

/** Ids of live records of a form matching a condition, compiled to SQL (values are parameters). */
export async function matchingRecordIds(
  db: DynamicDb,
  app: PublishedApp,
  formKey: string,
  condition: JsonLogic | undefined,
  context: ConditionContext,
  limit = 100_000,
): Promise<string[]> {
  const form = app.form(formKey)
  const where =
    condition === undefined || condition === null
      ? sql`true`
      : conditionToSql(condition, {
          ...form.scope,
          context,
          now: context.now as Date,
          timeZone: context.timeZone as string,
        })
  const { rows } = await sql<{
    id: string
  }>`select id::text as id from ${sql.table(`${app.schema}.${form.plan.table}`)}
    where deleted_at is null and ${where} order by id limit ${limit}`.execute(db)
  return rows.map((r) => r.id)
}
