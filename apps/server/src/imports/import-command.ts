import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import path from 'node:path'
import type { AppService } from '../apps/app-service.js'
import type { AccessService } from '../auth/access-service.js'
import type { Viewer } from '../auth/viewer.js'
import type { DynamicDb } from '../db/dynamic.js'
import { AppError } from '../http/errors.js'
import type { ImportResult } from './import-result.js'
import { ImportStore, type ImportJob } from './import-store.js'
import type { ProgressEvent } from './import-progress.js'
import { inspectFile } from './inspect-file.js'
import { runImport } from './run-import.js'

export interface ImportCommandOptions {
  app: string
  form: string
  /** Business keys (field keys). */
  keys: string[]
  dryRun: boolean
  events?: boolean
}

export interface ImportCommandDeps {
  db: DynamicDb
  apps: AppService
  access: AccessService
  dataDir: string
}

export interface Terminal {
  /** The summary (stdout). */
  out(text: string): void
  /** The progress bar (stderr), redrawn in place when it is a terminal. */
  progress?(line: string): void
}

/** Whoever runs the CLI on the server's machine already holds its database: they import as an admin. */
const operator: Viewer = {
  userId: 'cli',
  username: 'cli',
  isAdmin: true,
  attributes: {},
  via: 'token',
  scopes: 'all',
}

/** `[########------------]  40%  2,000/4,999 records  1,234/s  ETA 3 s` */
export function progressLine(event: ProgressEvent, width = 24): string | undefined {
  if (event.type !== 'progress') return undefined
  if (event.phase === 'reading') return `reading  ${event.rows.toLocaleString('en')} rows`
  const share = event.total ? event.done / event.total : 1
  const filled = Math.round(share * width)
  const eta = event.etaSeconds === null ? '' : `  ETA ${event.etaSeconds} s`
  return (
    `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${String(Math.round(share * 100)).padStart(3)}%  ` +
    `${event.done.toLocaleString('en')}/${event.total.toLocaleString('en')} records  ${event.rate.toLocaleString('en')}/s${eta}`
  )
}

export function describeResult(
  file: string,
  target: string,
  result: ImportResult,
  rejectedFile: string,
): string {
  const lines = [
    `${result.dryRun ? 'Dry run of' : 'Imported'} ${file} into ${target}:`,
    `  rows ${result.rows}  inserted ${result.inserted}  updated ${result.updated}  unchanged ${result.unchanged}` +
      `  merged ${result.merged}  rejected ${result.rejected}  blank ${result.blank}`,
  ]
  if (result.rejected) {
    for (const r of result.rejections.slice(0, 10)) lines.push(`  line ${r.line}: ${r.code}: ${r.reason}`)
    if (result.rejected > 10) lines.push(`  … ${result.rejected - 10} more`)
    lines.push(`  rejected rows with reasons: ${rejectedFile}`)
  }
  return `${lines.join('\n')}\n`
}

/**
 * `trellis import FILE --app APP --form FORM [--key phone] [--dry-run]`: the same upload, inspection and
 * run as the HTTP API (the file is copied to the data folder's imports, the suggested mapping is used),
 * with a progress bar and a summary. Returns the result; an unmapped column is reported, not guessed.
 */
export async function importCommand(
  deps: ImportCommandDeps,
  file: string,
  options: ImportCommandOptions,
  terminal: Terminal,
): Promise<ImportResult> {
  const published = await deps.apps.requirePublished(options.app)
  const form = published.form(options.form)
  const access = (await deps.access.resolver(published, operator))(form)
  const store = new ImportStore(path.join(deps.dataDir, 'imports'))
  const id = store.newId()
  await store.save(id, createReadStream(file))
  const inspection = await inspectFile(store, id, form)
  const job: ImportJob = {
    id,
    app: options.app,
    form: options.form,
    userId: operator.userId,
    name: path.basename(file),
    size: (await stat(file)).size,
    format: inspection.format,
    encoding: inspection.encoding,
    bom: inspection.bom,
    delimiter: inspection.delimiter,
    hasHeader: inspection.hasHeader,
    headers: inspection.headers,
    createdAt: new Date().toISOString(),
  }
  await store.write(job)
  const mapping = Object.fromEntries(Object.entries(inspection.mapping).map(([i, key]) => [i, key]))
  if (!Object.keys(mapping).length) {
    throw new AppError(400, 'IMPORT_MAPPING_INVALID', 'No column of the file names a field of the form')
  }
  const skipped = inspection.headers.filter((_, i) => !(String(i) in mapping))
  terminal.out(
    `${job.name}: ${inspection.format}, ${inspection.encoding}${inspection.bom ? ' with BOM' : ''}; ` +
      `columns ${Object.entries(mapping)
        .map(([i, key]) => `${inspection.headers[Number(i)] ?? `#${i}`}→${key}`)
        .join(', ')}${skipped.length ? `; skipped ${skipped.join(', ')}` : ''}\n`,
  )
  const result = await runImport(
    deps.db,
    published,
    form,
    access,
    store,
    job,
    { mapping, keys: options.keys, dryRun: options.dryRun, events: options.events ?? false },
    { actor: 'cli', viewer: operator },
    {
      progress: {
        emit: (event) => {
          const line = progressLine(event)
          if (line) terminal.progress?.(line)
        },
      },
    },
  )
  await store.write({ ...job, result })
  terminal.out(describeResult(job.name, `${options.app}/${options.form}`, result, store.file(id, 'rejected')))
  return result
}
