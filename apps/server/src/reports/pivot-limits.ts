/** The cost guard: what one ad-hoc pivot may ask of the database. */
export interface PivotLimits {
  /** Row plus column dimensions. */
  maxDimensions: number
  /** Result rows (cells, subtotals and totals included) before the answer is refused. */
  maxCells: number
  /** `statement_timeout` for the pivot's transaction. */
  statementTimeoutMs: number
  /**
   * `work_mem` for the pivot's transaction alone (MB). At PostgreSQL's 4 MB default, RFM over 200,000
   * customers sorts on disk and aggregates orders through the index; at 64 MB it hashes a parallel scan
   * and sorts in memory — 3× faster for the same plan shape. Per sort or hash node, for report queries only.
   */
  workMemMb?: number
}

export const defaultPivotLimits: PivotLimits = {
  maxDimensions: 6,
  maxCells: 20_000,
  statementTimeoutMs: 15_000,
  workMemMb: 64,
}
