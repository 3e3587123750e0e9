import { coerceRow, isBlankRow, type ColumnMapping, type CsvRow } from '@trellis/import-engine'
import type { CompiledForm } from '../apps/published-app.js'
import type { ImportJob, ImportStore } from './import-store.js'
import type { ImportResult } from './import-result.js'
import { mergeRows, type MergePolicy } from './merge-policy.js'
import { jobRows } from './read-rows.js'
import type { Pending, Rejector } from './run-import.js'

/**
 * An import reads its file twice so that memory stays bounded by the duplicates, not by the file (issue
 * #9: a million rows must fit in 500 MB): the first pass rejects unreadable rows and keeps, for keys found
 * on several lines, the values of their later rows; the second pass streams the distinct records in the
 * order they first appear, each merged with its later rows, and skips those later rows.
 */
export interface FileSurvey {
  /** Distinct records the second pass will yield (keyed groups plus rows without keys). */
  distinct: number
  /** For each key found on several lines: the coerced values of its second and later rows, in order. */
  laterRows: Map<string, Array<Record<string, unknown>>>
}

interface ReadSettings {
  store: ImportStore
  job: ImportJob
  form: CompiledForm
  mapping: ColumnMapping
  keys: string[]
}

type Coerced = { line: number; cells: string[]; values: Record<string, unknown>; key: string | undefined }

/**
 * The data rows of the file that can become records: blank rows and the header skipped; rows that are
 * truncated, oversized, fail coercion or lack a key go to `rejected` (the first pass reports them; the
 * second pass, meeting them again, passes `undefined`).
 */
async function* readableRows(
  settings: ReadSettings,
  onRow: (row: CsvRow, blank: boolean) => void,
  rejected: Rejector | undefined,
): AsyncGenerator<Coerced> {
  const { form, mapping, keys } = settings
  const columnName = (index: number | undefined) =>
    index === undefined ? undefined : settings.job.headers[index]
  let first = true
  for await (const row of jobRows(settings.store, settings.job)) {
    if (isBlankRow(row.cells)) {
      if (!first) onRow(row, true)
      continue
    }
    if (first) {
      first = false
      if (settings.job.hasHeader) continue
    }
    onRow(row, false)
    if (row.truncated) {
      rejected?.(row, {
        code: 'import.truncated_row',
        reason: 'The file ends inside this row (an unclosed quote)',
      })
      continue
    }
    if (row.oversized) {
      rejected?.(row, { code: 'import.cell_too_large', reason: 'A cell is larger than 1,000,000 characters' })
      continue
    }
    const prepared = coerceRow(row.cells, mapping, form.schema)
    if (prepared.errors.length) {
      const e = prepared.errors[0]!
      const column = columnName(e.column)
      rejected?.(row, {
        code: e.code,
        reason: prepared.errors.map((x) => `${columnName(x.column) ?? x.field}: ${x.message}`).join('; '),
        field: e.field,
        ...(column !== undefined ? { column } : {}),
      })
      continue
    }
    if (!keys.length) {
      yield { line: row.line, cells: row.cells, values: prepared.values, key: undefined }
      continue
    }
    const key = keys.map((k) => prepared.values[k])
    if (key.some((v) => v === undefined)) {
      const missing = keys.filter((k) => prepared.values[k] === undefined)
      rejected?.(row, {
        code: 'import.key_missing',
        reason: `No value for the key ${missing.join(', ')}`,
        field: missing[0]!,
      })
      continue
    }
    yield { line: row.line, cells: row.cells, values: prepared.values, key: JSON.stringify(key) }
  }
}

/** The first pass: counts and rejects rows, and finds the keys that occur on several lines. */
export async function surveyFile(
  settings: ReadSettings,
  result: ImportResult,
  reject: Rejector,
  onProgress: (rows: number) => void,
): Promise<FileSurvey> {
  const seen = new Set<string>()
  const laterRows = new Map<string, Array<Record<string, unknown>>>()
  let distinct = 0
  const onRow = (_row: CsvRow, blank: boolean) => {
    if (blank) {
      result.blank++
      return
    }
    result.rows++
    if (result.rows % 5000 === 0) onProgress(result.rows)
  }
  for await (const row of readableRows(settings, onRow, reject)) {
    if (row.key === undefined) {
      distinct++
    } else if (seen.has(row.key)) {
      result.merged++
      const later = laterRows.get(row.key)
      if (later) later.push(row.values)
      else laterRows.set(row.key, [row.values])
    } else {
      seen.add(row.key)
      distinct++
    }
  }
  return { distinct, laterRows }
}

/**
 * The second pass: the file's distinct records in the order they first appear. A key's first row is
 * merged with its later rows (the policy decides which cell wins) and yielded with the first row's line
 * and cells (what a rejection of the merged record reports); the later rows are skipped.
 */
export async function* distinctEntries(
  settings: ReadSettings,
  survey: FileSurvey,
  policyOf: (field: string) => MergePolicy,
): AsyncGenerator<Pending> {
  const yielded = new Set<string>()
  for await (const row of readableRows(settings, () => {}, undefined)) {
    const later = row.key === undefined ? undefined : survey.laterRows.get(row.key)
    if (later) {
      if (yielded.has(row.key!)) continue
      yielded.add(row.key!)
      for (const values of later) mergeRows(row.values, values, policyOf)
    }
    yield { line: row.line, values: row.values, cells: row.cells }
  }
}
