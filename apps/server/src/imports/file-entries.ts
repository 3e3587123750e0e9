import { coerceCell, coerceRow, isBlankRow, type ColumnMapping, type CsvRow } from '@trellis/import-engine'
import type { FieldDef } from '@trellis/form-engine'
import type { RejectedRow } from './import-result.js'
import type { CompiledForm } from '../apps/published-app.js'
import type { ImportJob, ImportStore } from './import-store.js'
import type { ImportResult } from './import-result.js'
import { KeyTable } from './key-table.js'
import { mergeRows, type MergePolicy } from './merge-policy.js'
import { jobRows } from './read-rows.js'
import type { Pending, Rejector } from './run-import.js'

/**
 * An import reads its file twice so that memory stays bounded by the duplicates, not by the file (issue
 * #9: a million rows must fit in 500 MB). The first pass reads only the key cells of a row met for the
 * first time (coercing every cell twice was a third of an import's time): it rejects the rows that cannot
 * be keyed and keeps, for keys found on several lines, the line of their first row and the coerced values
 * of their later rows. The second pass coerces every row, rejects the first rows whose other cells cannot
 * be read, and streams the distinct records in the order they first appear, each merged with its later
 * rows; a later row takes the place of a first row rejected so, exactly as if that row were not there.
 */
export interface FileSurvey {
  /** Distinct records the second pass will yield (the second pass lowers it when it rejects a record). */
  distinct: number
  /** For each key found on several lines: the line of its first row, the values of its later rows. */
  laterRows: Map<string, KeyGroup>
}

interface KeyGroup {
  first: number
  later: Array<{ line: number; values: Record<string, unknown> }>
}

interface ReadSettings {
  store: ImportStore
  job: ImportJob
  form: CompiledForm
  mapping: ColumnMapping
  keys: string[]
}

/** A key as a string: the value itself for one key (its type is the field's), else the JSON of the values. */
const keyText = (keys: readonly string[], values: Record<string, unknown>): string =>
  keys.length === 1 ? String(values[keys[0]!]) : JSON.stringify(keys.map((k) => values[k]))

/** One data row as read: a record to be (`key`: its key), or why it cannot be one. */
type Read =
  | {
      line: number
      cells: string[]
      values: Record<string, unknown>
      key: string | undefined
      rejection?: never
    }
  | {
      line: number
      cells: string[]
      rejection: Omit<RejectedRow, 'line'>
      /** The row's key, when its key cells could be read (the row belongs to its key's group). */
      keyed?: string
    }

/** What a row read by its key cells only holds instead of values (the first pass needs its key only). */
const keyOnly: Record<string, unknown> = Object.freeze({})

/**
 * Reads the data rows of the file (blank rows and the header skipped: `undefined`), each in full or,
 * with `keysOnly`, by its key cells (a row whose key cells fail is then read in full, so its rejection
 * names every bad cell as a full read would). A plain function over the parser's rows rather than one
 * more async generator: each layer of those costs a promise per row.
 */
function rowReader(
  settings: ReadSettings,
  onRow: (row: CsvRow, blank: boolean) => void,
  keysOnly: boolean,
): (row: CsvRow) => Read | undefined {
  const { form, mapping, keys } = settings
  const keyFields: Array<{ index: number; field: FieldDef }> = []
  for (const [index, key] of Object.entries(mapping)) {
    const field = form.schema.fields.find((f) => f.key === key)
    if (keys.includes(key) && field) keyFields.push({ index: Number(index), field })
  }
  const partial = keysOnly && keys.length > 0 && keyFields.length === keys.length
  let first = true
  return (row) => {
    if (isBlankRow(row.cells)) {
      if (!first) onRow(row, true)
      return undefined
    }
    if (first) {
      first = false
      if (settings.job.hasHeader) return undefined
    }
    onRow(row, false)
    const { line, cells } = row
    if (row.truncated) {
      return {
        line,
        cells,
        rejection: {
          code: 'import.truncated_row',
          reason: 'The file ends inside this row (an unclosed quote)',
        },
      }
    }
    if (row.oversized) {
      return {
        line,
        cells,
        rejection: { code: 'import.cell_too_large', reason: 'A cell is larger than 1,000,000 characters' },
      }
    }
    if (!partial) return readFull(settings, line, cells)
    // The key cells only, in the order of `keys`; any failure or empty cell: read in full.
    let key: string | undefined
    if (keyFields.length === 1) {
      const { index, field } = keyFields[0]!
      const coerced = coerceCell(field, cells[index] ?? '')
      if (coerced.ok && coerced.value !== undefined) key = String(coerced.value)
    } else {
      const values: Record<string, unknown> = {}
      let readable = true
      for (const { index, field } of keyFields) {
        const coerced = coerceCell(field, cells[index] ?? '')
        if (!coerced.ok || coerced.value === undefined) readable = false
        else values[field.key] = coerced.value
      }
      if (readable) key = keyText(keys, values)
    }
    return key === undefined ? readFull(settings, line, cells) : { line, cells, values: keyOnly, key }
  }
}

/** Coerces every mapped cell of a row. */
function readFull(settings: ReadSettings, line: number, cells: string[]): Read {
  const { form, mapping, keys, job } = settings
  const prepared = coerceRow(cells, mapping, form.schema)
  let keyed = keys.length > 0
  for (const k of keys) if (prepared.values[k] === undefined) keyed = false
  if (prepared.errors.length) {
    const columnName = (index: number | undefined) => (index === undefined ? undefined : job.headers[index])
    const e = prepared.errors[0]!
    const column = columnName(e.column)
    return {
      line,
      cells,
      rejection: {
        code: e.code,
        reason: prepared.errors.map((x) => `${columnName(x.column) ?? x.field}: ${x.message}`).join('; '),
        field: e.field,
        ...(column !== undefined ? { column } : {}),
      },
      ...(keyed ? { keyed: keyText(keys, prepared.values) } : {}),
    }
  }
  if (!keys.length) return { line, cells, values: prepared.values, key: undefined }
  if (!keyed) {
    const missing = keys.filter((k) => prepared.values[k] === undefined)
    return {
      line,
      cells,
      rejection: {
        code: 'import.key_missing',
        reason: `No value for the key ${missing.join(', ')}`,
        field: missing[0]!,
      },
    }
  }
  return { line, cells, values: prepared.values, key: keyText(keys, prepared.values) }
}

/**
 * The first pass: counts rows, rejects those that cannot be keyed and finds the keys that occur on
 * several lines. A row met first is read by its key cells only (the second pass reads the rest); a row
 * whose key was met before is read in full now, and rejected now if it cannot be read.
 */
export async function surveyFile(
  settings: ReadSettings,
  result: ImportResult,
  reject: Rejector,
  onProgress: (rows: number) => void,
): Promise<FileSurvey> {
  // Every key of the file with the line of its first row: compact, outside the JS heap (key-table.ts).
  const seen = new KeyTable()
  const laterRows = new Map<string, KeyGroup>()
  let distinct = 0
  const onRow = (_row: CsvRow, blank: boolean) => {
    if (blank) {
      result.blank++
      return
    }
    result.rows++
    if (result.rows % 5000 === 0) onProgress(result.rows)
  }
  const readRow = rowReader(settings, onRow, true)
  for await (const row of jobRows(settings.store, settings.job)) {
    const read = readRow(row)
    if (!read) continue
    if (read.rejection) {
      reject(read, read.rejection)
      continue
    }
    if (read.key === undefined) {
      distinct++
      continue
    }
    const firstLine = seen.getOrAdd(read.key, read.line)
    if (firstLine === undefined) {
      distinct++
      continue
    }
    let group = laterRows.get(read.key)
    if (!group) laterRows.set(read.key, (group = { first: firstLine, later: [] }))
    const full = readFull(settings, read.line, read.cells)
    if (full.rejection) {
      reject(full, full.rejection)
      continue
    }
    result.merged++
    group.later.push({ line: full.line, values: full.values })
  }
  return { distinct, laterRows }
}

/**
 * The second pass: the file's distinct records in the order they first appear. A key's first row is
 * merged with its later rows (the policy decides which cell wins) and yielded with the first row's line
 * and cells (what a rejection of the merged record reports); the later rows are skipped. A first row
 * whose cells cannot be read is rejected here (the first pass read its key only); its next row, if any,
 * takes its place as the first, and stops counting as merged.
 */
export async function* distinctEntries(
  settings: ReadSettings,
  survey: FileSurvey,
  result: Pick<ImportResult, 'merged'>,
  reject: Rejector,
  policyOf: (field: string) => MergePolicy,
): AsyncGenerator<Pending> {
  const yielded = new Set<string>()
  const readRow = rowReader(settings, () => {}, false)
  for await (const row of jobRows(settings.store, settings.job)) {
    const read = readRow(row)
    if (!read) continue
    if (read.rejection) {
      // Rows without a readable key (or read in full: no keys) were rejected by the first pass, and so
      // were the later rows of a key.
      if (read.keyed === undefined) continue
      const group = read.keyed === undefined ? undefined : survey.laterRows.get(read.keyed)
      if (group && group.first !== read.line) continue
      reject(read, read.rejection)
      if (!group?.later.length) survey.distinct--
      continue
    }
    const group = read.key === undefined ? undefined : survey.laterRows.get(read.key)
    if (group) {
      if (yielded.has(read.key!)) continue
      yielded.add(read.key!)
      if (group.first !== read.line) result.merged--
      for (const later of group.later) {
        if (later.line > read.line) mergeRows(read.values, later.values, policyOf)
      }
    }
    yield { line: read.line, values: read.values, cells: read.cells }
  }
}
