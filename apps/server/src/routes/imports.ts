import type { FastifyInstance, FastifyRequest } from 'fastify'
import { stat } from 'node:fs/promises'
import path from 'node:path'
import { PassThrough, Readable } from 'node:stream'
import type { AppService } from '../apps/app-service.js'
import type { AccessService } from '../auth/access-service.js'
import type { Kysely } from 'kysely'
import type { DynamicDb } from '../db/dynamic.js'
import type { PlatformTables } from '../db/tables.js'
import { recordContext } from '../http/actor.js'
import { AppError } from '../http/errors.js'
import { exportCsv, exportedFields, exportPageSize, type PageReader } from '../imports/export-csv.js'
import { SqlCsvExport } from '../imports/export-sql.js'
import { exportXlsx } from '../imports/export-xlsx.js'
import { inspectFile } from '../imports/inspect-file.js'
import { ImportStore, type ImportJob } from '../imports/import-store.js'
import { readRun, type ImportRun } from '../imports/import-checkpoint.js'
import { ImportProgress, type ProgressEvent } from '../imports/import-progress.js'
import { runImport, type RunOptions } from '../imports/run-import.js'
import type { RecordsService } from '../records/records-service.js'
import { anyObject, formParams } from './schemas.js'
import { writeAuditEntry } from '../audit/audit-entry.js'

const jobParams = {
  type: 'object',
  required: ['app', 'form', 'id'],
  properties: { ...formParams.properties, id: { type: 'string', pattern: '^[A-Za-z0-9_-]{16}$' } },
} as const
const policy = { type: 'string', enum: ['keep', 'overwrite', 'fill_empty'] } as const
const runBody = {
  type: 'object',
  required: ['mapping'],
  additionalProperties: false,
  properties: {
    mapping: {
      type: 'object',
      description: 'column index → field key',
      propertyNames: { pattern: '^[0-9]{1,4}$' },
      additionalProperties: { type: 'string' },
    },
    keys: { type: 'array', items: { type: 'string' }, maxItems: 4, default: [] },
    policy: { type: 'object', additionalProperties: policy },
    defaultPolicy: policy,
    dryRun: { type: 'boolean', default: false },
    resumable: {
      type: 'boolean',
      default: false,
      description: 'commit batch by batch with a checkpoint, so an interrupted run can be resumed',
    },
    events: {
      type: 'boolean',
      default: false,
      description:
        'emit record.created/updated events so rules and webhooks react (default: history, no events)',
    },
    relations: {
      type: 'object',
      description: 'relation field → key field of the related form named by the cells (customer → phone)',
      additionalProperties: { type: 'string' },
    },
  },
} as const

type FormParams = { app: string; form: string }
type JobParams = FormParams & { id: string }

/** Largest file accepted for import: it is streamed to disk, so this bounds disk, not memory. */
const maxImportBytes = 1024 * 1024 * 1024

export interface ImportRouteDeps {
  apps: AppService
  access: AccessService
  records: RecordsService
  db: Kysely<PlatformTables>
  dataDir: string
}

/** CSV import (upload → preview → dry run → run → rejected rows) and CSV export of a form's records. */
export function registerImportRoutes(app: FastifyInstance, deps: ImportRouteDeps): void {
  const store = new ImportStore(path.join(deps.dataDir, 'imports'))
  const progress = new ImportProgress()
  const tags = ['imports']
  const base = '/api/apps/:app/forms/:form'

  const formAccess = async (appKey: string, formKey: string, ctx: ReturnType<typeof recordContext>) => {
    const published = await deps.apps.requirePublished(appKey)
    const form = published.form(formKey)
    const accessOf = await deps.access.resolver(published, ctx.viewer)
    return { published, form, access: accessOf(form), accessOf }
  }
  const ownJob = async (params: JobParams, userId: string): Promise<ImportJob> => {
    const job = await store.read(params.id)
    if (!job || job.app !== params.app || job.form !== params.form || job.userId !== userId) {
      throw new AppError(404, 'IMPORT_NOT_FOUND', 'No such import')
    }
    return job
  }

  app.post<{ Params: FormParams }>(
    `${base}/imports`,
    {
      schema: {
        tags,
        summary:
          'Upload a CSV file (multipart field "file"): detected encoding, delimiter, header, mapping and preview',
        consumes: ['multipart/form-data'],
        params: formParams,
        response: { 201: anyObject },
      },
    },
    async (request, reply) => {
      const ctx = recordContext(request, 'records:write')
      const { form, access } = await formAccess(request.params.app, request.params.form, ctx)
      access.require('import')
      if (!request.isMultipart())
        throw new AppError(415, 'MULTIPART_REQUIRED', 'Send the file as multipart/form-data', 'file')
      const part = await request.file({ limits: { fileSize: maxImportBytes, files: 1 } })
      if (!part) throw new AppError(400, 'FILE_MISSING', 'No file in the request', 'file')
      const id = store.newId()
      await store.save(id, part.file)
      if (part.file.truncated) {
        await store.remove(id)
        throw new AppError(413, 'FILE_TOO_LARGE', `The file is larger than ${maxImportBytes} bytes`, 'file')
      }
      const { size } = await stat(store.file(id))
      const inspection = await inspectFile(store, id, form)
      const job: ImportJob = {
        id,
        app: request.params.app,
        form: request.params.form,
        userId: ctx.viewer!.userId,
        name: part.filename.replace(/[\\/]/g, '_').slice(0, 255) || 'import.csv',
        size,
        format: inspection.format,
        encoding: inspection.encoding,
        bom: inspection.bom,
        delimiter: inspection.delimiter,
        hasHeader: inspection.hasHeader,
        headers: inspection.headers,
        createdAt: new Date().toISOString(),
      }
      await store.write(job)
      return reply.status(201).send({ id, name: job.name, size, ...inspection })
    },
  )

  /** One run of a job at a time in this process, reported to the progress followers. */
  const execute = async (
    request: FastifyRequest<{ Params: JobParams }>,
    options: RunOptions,
    resume?: ImportRun,
  ) => {
    const ctx = recordContext(request, 'records:write')
    const job = await ownJob(request.params, ctx.viewer!.userId)
    const { published, form, access } = await formAccess(job.app, job.form, ctx)
    if (!progress.begin(job.id)) throw new AppError(409, 'IMPORT_RUNNING', 'This import is already running')
    const emit = (event: ProgressEvent) => progress.emit(job.id, event)
    try {
      if (!resume && options.resumable && !options.dryRun) {
        const run = await readRun(deps.db as unknown as DynamicDb, job.id)
        if (run?.state === 'running') {
          throw new AppError(409, 'IMPORT_INTERRUPTED', 'This import was interrupted: resume it instead')
        }
      }
      emit({ type: 'started', resumedFrom: resume?.entriesDone ?? 0 })
      const result = await runImport(
        deps.db as unknown as DynamicDb,
        published,
        form,
        access,
        store,
        job,
        options,
        ctx,
        { progress: { emit }, ...(resume ? { resume } : {}) },
      )
      await store.write({ ...job, result })
      emit({ type: 'done', result })
      return result
    } catch (error) {
      const e = error instanceof AppError ? error : undefined
      emit({ type: 'failed', code: e?.code ?? 'INTERNAL', message: e?.message ?? 'The import failed' })
      throw error
    } finally {
      progress.end(job.id)
    }
  }

  app.post<{ Params: JobParams; Body: RunOptions }>(
    `${base}/imports/:id/run`,
    {
      config: { idempotent: true },
      schema: {
        tags,
        summary: 'Run (or dry-run) an uploaded import: all rows applied in one transaction, or none',
        params: jobParams,
        body: runBody,
        response: { 200: anyObject },
      },
    },
    async (request) => execute(request, request.body),
  )

  app.post<{ Params: JobParams }>(
    `${base}/imports/:id/resume`,
    {
      config: { idempotent: true },
      schema: {
        tags,
        summary: 'Resume an interrupted resumable run from its last committed batch, with its options',
        params: jobParams,
        response: { 200: anyObject },
      },
    },
    async (request) => {
      const ctx = recordContext(request, 'records:write')
      const job = await ownJob(request.params, ctx.viewer!.userId)
      const run = await readRun(deps.db as unknown as DynamicDb, job.id)
      if (progress.isRunning(job.id)) throw new AppError(409, 'IMPORT_RUNNING', 'This import is running')
      if (run?.state !== 'running') {
        throw new AppError(409, 'IMPORT_NOT_INTERRUPTED', 'This import has no interrupted run to resume')
      }
      return execute(request, run.options, run)
    },
  )

  app.get<{ Params: JobParams }>(
    `${base}/imports/:id`,
    {
      schema: {
        tags,
        summary: 'An uploaded import: its file, its last result, and the state of its resumable run',
        params: jobParams,
        response: { 200: anyObject },
      },
    },
    async (request) => {
      const ctx = recordContext(request, 'records:write')
      const job = await ownJob(request.params, ctx.viewer!.userId)
      const run = await readRun(deps.db as unknown as DynamicDb, job.id)
      const state = progress.isRunning(job.id)
        ? 'running'
        : run?.state === 'running'
          ? 'interrupted'
          : job.result
            ? 'done'
            : 'uploaded'
      return {
        ...job,
        state,
        ...(run
          ? { checkpoint: { entriesDone: run.entriesDone, ...run.counts, rejections: undefined } }
          : {}),
      }
    },
  )

  app.get<{ Params: JobParams }>(
    `${base}/imports/:id/progress`,
    {
      schema: {
        tags,
        summary:
          'Server-Sent Events of a run: started, progress (reading rows; writing done/total, rate, ETA), done or failed',
        params: jobParams,
      },
    },
    async (request, reply) => {
      const ctx = recordContext(request, 'records:write')
      const job = await ownJob(request.params, ctx.viewer!.userId)
      const stream = new PassThrough()
      const send = (event: ProgressEvent) => {
        const { type, ...data } = event
        stream.write(`event: ${type}\ndata: ${JSON.stringify(data)}\n\n`)
        if (type === 'done' || type === 'failed') stream.end()
      }
      reply
        .header('content-type', 'text/event-stream; charset=utf-8')
        .header('cache-control', 'no-cache')
        .header('x-accel-buffering', 'no')
      if (!progress.isRunning(job.id) && !progress.finished(job.id)) {
        // Not running here: an earlier run's end is known from the job, or a crashed one from its checkpoint.
        const run = await readRun(deps.db as unknown as DynamicDb, job.id)
        if (run?.state === 'running') {
          send({ type: 'failed', code: 'IMPORT_INTERRUPTED', message: 'The run was interrupted: resume it' })
          return reply.send(stream)
        }
        if (job.result) {
          send({ type: 'done', result: job.result })
          return reply.send(stream)
        }
      }
      // Running, finished in this process, or not started yet: replay, then follow until it ends.
      stream.write(': following\n\n')
      const unsubscribe = progress.subscribe(job.id, send)
      stream.on('close', unsubscribe)
      reply.raw.on('close', () => stream.end())
      return reply.send(stream)
    },
  )

  app.get<{ Params: JobParams }>(
    `${base}/imports/:id/rejected.csv`,
    {
      schema: {
        tags,
        summary: 'The rejected rows of the last run, with the reason for each',
        params: jobParams,
      },
    },
    async (request, reply) => {
      const ctx = recordContext(request, 'records:write')
      const job = await ownJob(request.params, ctx.viewer!.userId)
      if (!job.result) throw new AppError(404, 'IMPORT_NOT_RUN', 'This import has not been run yet')
      return reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="rejected-${job.id}.csv"`)
        .send(store.open(job.id, 'rejected'))
    },
  )

  const exportQuery = {
    type: 'object',
    properties: {
      filter: { type: 'string', description: 'JsonLogic condition, as JSON' },
      locale: { type: 'string', enum: ['zh-CN', 'en'] },
    },
  } as const
  type ExportRequest = FastifyRequest<{
    Params: FormParams
    Querystring: { filter?: string; locale?: 'zh-CN' | 'en' }
  }>
  /** What both exports need: the viewer's access (checked for `export`), a page reader and the options. */
  const prepareExport = async (request: ExportRequest, format: 'csv' | 'xlsx') => {
    const ctx = recordContext(request, 'records:read')
    const { app: appKey, form: formKey } = request.params
    const { published, form, access, accessOf } = await formAccess(appKey, formKey, ctx)
    access.require('export')
    let filter: unknown
    if (request.query.filter) {
      try {
        filter = JSON.parse(request.query.filter)
      } catch {
        throw new AppError(400, 'FILTER_INVALID', 'filter is not valid JSON', 'filter')
      }
    }
    // Who took which records out, and how: exports are audited like writes (record `*`: the whole selection).
    await writeAuditEntry(deps.db, {
      actor: ctx.actor,
      app: appKey,
      form: formKey,
      record: '*',
      action: 'export',
      after: { format, filter: filter ?? null },
    })
    const read: PageReader = (options) => deps.records.list(appKey, formKey, options, ctx, exportPageSize)
    // CSV lines written by PostgreSQL where the viewer sees the exported values as stored (export-sql.ts).
    const lines =
      format === 'csv'
        ? SqlCsvExport.for(
            deps.db as unknown as DynamicDb,
            published,
            form,
            accessOf,
            exportedFields(form, access),
          )
        : undefined
    return {
      form,
      access,
      read,
      lines,
      options: { filter, locale: request.query.locale ?? 'zh-CN' } as const,
    }
  }
  const attachment = (name: string) => `attachment; filename*=UTF-8''${encodeURIComponent(name)}`

  app.get<{ Params: FormParams; Querystring: { filter?: string; locale?: 'zh-CN' | 'en' } }>(
    `${base}/export.csv`,
    {
      schema: {
        tags,
        summary: 'Export the records the viewer may see as CSV (UTF-8 with BOM, formula cells neutralized)',
        params: formParams,
        querystring: exportQuery,
      },
    },
    async (request, reply) => {
      const { form, access, read, lines: sqlLines, options } = await prepareExport(request, 'csv')
      // The first page is read before answering, so a bad filter is a 400, not a broken download.
      const lines = exportCsv(form, access, read, options, sqlLines)
      const head = await lines.next()
      const second = await lines.next()
      async function* all() {
        if (!head.done) yield head.value
        if (!second.done) yield second.value
        yield* lines
      }
      return reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', attachment(`${request.params.form}.csv`))
        .send(Readable.from(all()))
    },
  )

  app.get<{ Params: FormParams; Querystring: { filter?: string; locale?: 'zh-CN' | 'en' } }>(
    `${base}/export.xlsx`,
    {
      schema: {
        tags,
        summary: 'Export the records the viewer may see as XLSX (typed cells, streamed; same columns as CSV)',
        params: formParams,
        querystring: exportQuery,
      },
    },
    async (request, reply) => {
      const { form, access, read, options } = await prepareExport(request, 'xlsx')
      const stream = await exportXlsx(form, access, read, options)
      return reply
        .header('content-type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
        .header('content-disposition', attachment(`${request.params.form}.xlsx`))
        .send(stream)
    },
  )
}
