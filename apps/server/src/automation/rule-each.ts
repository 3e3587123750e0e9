import {
  conditionHolds,
  planActions,
  type ConditionContext,
  type Rule,
  type RuleEach,
} from '@trellis/rule-engine'
import type { PublishedApp } from '../apps/published-app.js'
import type { DynamicDb } from '../db/dynamic.js'
import { AppError } from '../http/errors.js'
import { RecordReader, type ListResult } from '../records/record-reader.js'
import type { RecordJson } from '../records/record-json.js'
import { matchingRecordIds } from './record-query.js'
import { aggregatesOf, computeAggregates, withAggregates } from './rule-aggregates.js'

/**
 * A rule with `each: { form, filter, as }` runs once per record of `form` matching `filter`, read when the
 * schedule ticks (new records take effect without a publish), with the record bound as the context variable
 * `$<as>`. A tick reads those records once, then fans out to one job per (record of the trigger's form, each
 * record) whose condition holds; the job's occurrence names the each record, so its idempotency key lets a
 * customer get two pairs' messages the same day but one pair's only once per tick.
 */

/** Each records are few (product pairs: tens); a rule over more fails rather than silently dropping some. */
export const maxEachRecords = 500

/** The each records of a tick: the filter compiled to SQL with the rule's context (values as parameters). */
export async function eachRecords(
  db: DynamicDb,
  app: PublishedApp,
  each: RuleEach,
  context: ConditionContext,
): Promise<RecordJson[]> {
  const ids = await matchingRecordIds(db, app, each.form, each.filter, context, maxEachRecords + 1)
  if (ids.length > maxEachRecords)
    throw new AppError(
      409,
      'EACH_TOO_MANY',
      `More than ${maxEachRecords} records of ${each.form} match the rule's each filter`,
      'each.filter',
    )
  if (!ids.length) return []
  const reader = new RecordReader(app, app.form(each.form))
  const page = await reader.list(
    db,
    { filter: { in: [{ var: 'id' }, ids] }, limit: maxEachRecords },
    maxEachRecords,
  )
  return page.records
}

/** The context a rule sees for one each record: `$<as>.field`. */
export function withEach(context: ConditionContext, each: RuleEach, record: RecordJson): ConditionContext {
  return { ...context, [each.as]: record }
}

export interface EachTarget {
  /** The record of the trigger's form. */
  id: string
  /** The each record. */
  each: string
}

/**
 * The (record, each record) pairs whose condition holds now. Without aggregates, one SQL statement per each
 * record (the condition with `$<as>` values as parameters); with them, pages of 500 records of the form, each
 * page's aggregates computed once per each record (one statement per related form and path) and the condition
 * checked in JS.
 */
export async function eachTargets(
  db: DynamicDb,
  app: PublishedApp,
  rule: Rule,
  each: RuleEach,
  form: string,
  context: ConditionContext,
  limit = 100_000,
): Promise<{ targets: EachTarget[]; eachRecords: number }> {
  const records = await eachRecords(db, app, each, context)
  const bound = records.map((record) => ({ id: String(record.id), context: withEach(context, each, record) }))
  const targets: EachTarget[] = []
  if (!bound.length) return { targets, eachRecords: 0 }
  if (!aggregatesOf(rule)) {
    for (const b of bound)
      for (const id of await matchingRecordIds(db, app, form, rule.condition, b.context, limit))
        targets.push({ id, each: b.id })
    return { targets: targets.slice(0, limit), eachRecords: bound.length }
  }
  const reader = new RecordReader(app, app.form(form))
  let cursor: string | null = null
  do {
    const page: ListResult = await reader.list(db, { limit: 500, ...(cursor ? { cursor } : {}) })
    const ids = page.records.map((record) => String(record.id))
    for (const b of bound) {
      const values = await computeAggregates(db, app, rule, ids, b.context)
      for (const record of page.records) {
        const id = String(record.id)
        if (conditionHolds(rule, record, withAggregates(b.context, values.get(id))))
          targets.push({ id, each: b.id })
      }
    }
    cursor = page.nextCursor
  } while (cursor && targets.length < limit)
  return { targets: targets.slice(0, limit), eachRecords: bound.length }
}

/**
 * The each record of one job, read again when it runs: undefined (with why) when it was deleted or no longer
 * matches the filter (a pair disabled since the tick).
 */
export async function eachRecordOf(
  db: DynamicDb,
  app: PublishedApp,
  each: RuleEach,
  id: string | undefined,
  context: ConditionContext,
): Promise<{ record: RecordJson } | { reason: 'EACH_MISSING' | 'EACH_GONE' | 'EACH_NOT_MATCHING' }> {
  if (id === undefined) return { reason: 'EACH_MISSING' }
  let record: RecordJson
  try {
    record = await new RecordReader(app, app.form(each.form)).get(db, id)
  } catch (error) {
    if (error instanceof AppError && error.code === 'RECORD_NOT_FOUND') return { reason: 'EACH_GONE' }
    throw error
  }
  if (each.filter !== undefined && !conditionHolds({ condition: each.filter } as Rule, record, context))
    return { reason: 'EACH_NOT_MATCHING' }
  return { record }
}

/**
 * A dry run of an each rule: which (record, each record) pairs match now and what the actions would do for each,
 * `limit` of them planned; `recordId` narrows it to one record of the trigger's form.
 */
export async function eachDryRun(
  db: DynamicDb,
  app: PublishedApp,
  rule: Rule,
  each: RuleEach,
  form: string,
  context: ConditionContext,
  options: { limit: number; recordId?: string },
) {
  const reader = new RecordReader(app, app.form(form))
  let targets: EachTarget[]
  if (options.recordId !== undefined) {
    const record = await reader.get(db, options.recordId)
    targets = []
    for (const found of await eachRecords(db, app, each, context)) {
      const bound = withEach(context, each, found)
      const values = (await computeAggregates(db, app, rule, [record.id], bound)).get(record.id)
      if (conditionHolds(rule, record, withAggregates(bound, values)))
        targets.push({ id: record.id, each: String(found.id) })
    }
  } else targets = (await eachTargets(db, app, rule, each, form, context)).targets
  const records = []
  for (const target of targets.slice(0, options.limit)) {
    const found = await eachRecordOf(db, app, each, target.each, context)
    if ('reason' in found) continue
    const bound = withEach(context, each, found.record)
    const values = (await computeAggregates(db, app, rule, [target.id], bound)).get(target.id)
    const record = await reader.get(db, target.id)
    records.push({
      id: target.id,
      each: target.each,
      actions: planActions(rule, record, withAggregates(bound, values)),
    })
  }
  return { matched: targets.length, records }
}
