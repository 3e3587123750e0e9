/** Why one row of a file was not stored, with its physical line and the column at fault when known. */
export interface RejectedRow {
  line: number
  code: string
  reason: string
  field?: string
  column?: string
}

/** Every data row of the file lands in exactly one of these counts. */
export interface ImportResult {
  dryRun: boolean
  /** Data rows read (blank rows and the header excluded). */
  rows: number
  inserted: number
  updated: number
  unchanged: number
  /** Rows merged into an earlier row of the same file with the same business key. */
  merged: number
  rejected: number
  /** Rows with every cell empty: skipped, not counted in `rows`. */
  blank: number
  /** The first rejections (all of them are in the rejected-rows file). */
  rejections: RejectedRow[]
}
