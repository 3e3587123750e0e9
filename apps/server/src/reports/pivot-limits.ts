/** The cost guard: what one ad-hoc pivot may ask of the database. */
export interface PivotLimits {
  /** Row plus column dimensions. */
  maxDimensions: number
  /** Result rows (cells, subtotals and totals included) before the answer is refused. */
  maxCells: number
  /** `statement_timeout` for the pivot's transaction. */
  statementTimeoutMs: number
}

export const defaultPivotLimits: PivotLimits = {
  maxDimensions: 6,
  maxCells: 20_000,
  statementTimeoutMs: 15_000,
}
