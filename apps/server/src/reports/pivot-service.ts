import {
  compileDrill,
  compilePivot,
  ReportError,
  toGrid,
  type DrillCell,
  type Locale,
  type PivotGrid,
  type PivotSpec,
} from '@trellis/report-engine'
import type { JsonLogic } from '@trellis/rule-engine'
import type { Kysely } from 'kysely'
import type { AppService } from '../apps/app-service.js'
import type { PublishedApp } from '../apps/published-app.js'
import type { DynamicDb } from '../db/dynamic.js'
import { AppError } from '../http/errors.js'
import type { Viewer } from '../auth/viewer.js'
import type { RecordJson } from '../records/record-json.js'
import type { RecordsService } from '../records/records-service.js'
import { defaultPivotLimits, type PivotLimits } from './pivot-limits.js'
import { runGuarded } from './run-guarded.js'

export interface PivotRequest {
  spec: PivotSpec
  locale?: Locale
  /** The viewer's row scope on the source form (see pivotAccessFor). */
  rowScope?: JsonLogic
  /** The viewer's row scopes of the other forms, by form key (see pivotAccessFor). */
  formScopes?: Record<string, JsonLogic>
  /** Who asks: the drill-down's page of records is read, shaped and masked with their access. */
  viewer?: Viewer
  now?: Date
}

export interface DrillResult {
  filter: JsonLogic
  count: number
  records: RecordJson[]
}

/** Ad-hoc pivots and their drill-downs over a published app, behind the cost guard. */
export class PivotService {
  private readonly db: DynamicDb

  constructor(
    db: Kysely<never>,
    private readonly apps: AppService,
    private readonly records: RecordsService,
    readonly limits: PivotLimits = defaultPivotLimits,
    private readonly timeZone = 'Asia/Shanghai',
  ) {
    this.db = db as unknown as DynamicDb
  }

  async app(appKey: string): Promise<PublishedApp> {
    return this.apps.requirePublished(appKey)
  }

  private schemaOf(app: PublishedApp) {
    return { app: app.definition, dbSchema: app.schema, timeZone: app.definition.timeZone ?? this.timeZone }
  }

  private guardShape(spec: PivotSpec): void {
    const dims =
      (Array.isArray(spec?.rows) ? spec.rows.length : 0) +
      (Array.isArray(spec?.columns) ? spec.columns.length : 0)
    if (dims > this.limits.maxDimensions)
      throw new AppError(
        400,
        'PIVOT_TOO_MANY_DIMENSIONS',
        `A pivot may have at most ${this.limits.maxDimensions} row and column dimensions (it has ${dims})`,
        'spec.rows',
        { limit: this.limits.maxDimensions, actual: dims },
      )
  }

  /** Compiles a spec without running it: a saved report or dashboard binding is refused as a pivot would be. */
  check(app: PublishedApp, spec: PivotSpec, path = 'spec'): void {
    try {
      this.guardShape(spec)
      reportErrors(() => compilePivot(spec, this.schemaOf(app)))
    } catch (error) {
      if (error instanceof AppError && path !== 'spec' && error.path?.startsWith('spec'))
        throw new AppError(
          error.statusCode,
          error.code,
          error.message,
          `${path}${error.path.slice(4)}`,
          error.details,
        )
      throw error
    }
  }

  async pivot(
    app: PublishedApp,
    request: PivotRequest,
  ): Promise<{ grid: PivotGrid; cells: number; summary?: string }> {
    this.guardShape(request.spec)
    const compiled = reportErrors(() =>
      compilePivot(request.spec, this.schemaOf(app), {
        ...accessOptions(request),
        maxRows: this.limits.maxCells + 1,
      }),
    )
    const rows = await runGuarded<Record<string, unknown>>(
      this.db,
      compiled,
      this.limits.statementTimeoutMs,
      this.limits.workMemMb,
    )
    if (rows.length > this.limits.maxCells)
      throw new AppError(
        422,
        'PIVOT_TOO_LARGE',
        `The pivot has more than ${this.limits.maxCells} cells; add filters, fewer dimensions or a top-N`,
        'spec',
        { limit: this.limits.maxCells },
      )
    const grid = toGrid(rows, request.spec, compiled.meta, { locale: request.locale ?? 'zh-CN' })
    return { grid, cells: rows.length, ...(compiled.meta.summary ? { summary: compiled.meta.summary } : {}) }
  }

  /** The records behind one cell: its JsonLogic filter, how many there are, and their first page. */
  async drill(
    app: PublishedApp,
    request: PivotRequest & { cell: DrillCell; limit?: number },
  ): Promise<DrillResult> {
    this.guardShape(request.spec)
    const compiled = reportErrors(() =>
      compileDrill(request.spec, request.cell, this.schemaOf(app), {
        ...accessOptions(request),
        limit: request.limit ?? 50,
      }),
    )
    const rows = await runGuarded<{ id: string; total: string }>(
      this.db,
      compiled,
      this.limits.statementTimeoutMs,
      this.limits.workMemMb,
    )
    const count = rows.length ? Number(rows[0]!.total) : 0
    let records: RecordJson[] = []
    if (rows.length) {
      // The page itself comes through the records service, so it is shaped (and, later, masked) as everywhere.
      // Ids are written the way the source form's condition scope types them (text or number).
      const textIds = app.form(request.spec.source).scope.fields.id?.type === 'text'
      const ids = rows.map((r) => (textIds ? String(r.id) : Number(r.id)))
      const page = await this.records.list(
        app.key,
        request.spec.source,
        { filter: { in: [{ var: 'id' }, ids] }, limit: ids.length },
        request.viewer ? { actor: request.viewer.userId, viewer: request.viewer } : undefined,
      )
      records = page.records
    }
    return { filter: compiled.filter, count, records }
  }
}

function accessOptions(request: PivotRequest) {
  return {
    ...(request.rowScope !== undefined ? { rowScope: request.rowScope } : {}),
    ...(request.formScopes !== undefined ? { formScopes: request.formScopes } : {}),
    ...(request.now ? { now: request.now } : {}),
  }
}

function reportErrors<T>(fn: () => T): T {
  try {
    return fn()
  } catch (error) {
    if (error instanceof ReportError) {
      const path = error.path ? `spec.${error.path}` : 'spec'
      const status = error.code === 'unknown_form' ? 404 : 400
      throw new AppError(status, 'PIVOT_INVALID', error.message, path, { reason: error.code })
    }
    throw error
  }
}
