/** One parsed line of a CSV file. `line` is the 1-based physical line where the row starts. */
export interface CsvRow {
  cells: string[]
  line: number
  /** The file ended inside a quoted cell: the row is incomplete and must not be stored. */
  truncated?: boolean
  /** A cell went over `maxCellChars`; it is cut there and the row must be rejected. */
  oversized?: boolean
}

export interface CsvOptions {
  delimiter?: string
  /** Longest cell kept, in characters (default 1 MB of text); longer cells flag the row `oversized`. */
  maxCellChars?: number
}

export const defaultMaxCellChars = 1_000_000

/**
 * A streaming RFC 4180 parser over text chunks (quotes doubled inside quoted cells, CRLF or LF rows,
 * newlines inside quotes). Rolled by hand rather than papaparse because the engine receives an async
 * iterable of strings from its host, must report the physical line of each row and a truncated last
 * row precisely, and must bound memory per cell (a 50 MB cell is cut, not buffered): a small state
 * machine over chunks does all three in one pass. Memory held is one row.
 */
export async function* parseCsv(
  chunks: AsyncIterable<string>,
  options: CsvOptions = {},
): AsyncGenerator<CsvRow> {
  const delimiter = options.delimiter ?? ','
  const maxCell = options.maxCellChars ?? defaultMaxCellChars
  let cells: string[] = []
  let cell = ''
  let quoted = false // inside a quoted cell
  let afterQuote = false // just read a quote inside a quoted cell: either its end or the first of ""
  let oversized = false
  let line = 1
  let rowLine = 1
  let sawCR = false
  let rowStarted = false

  const push = (text: string) => {
    if (cell.length + text.length > maxCell) {
      cell += text.slice(0, Math.max(0, maxCell - cell.length))
      oversized = true
    } else cell += text
  }
  const endCell = () => {
    cells.push(cell)
    cell = ''
  }
  const endRow = (): CsvRow => {
    endCell()
    const row: CsvRow = { cells, line: rowLine }
    if (oversized) row.oversized = true
    cells = []
    oversized = false
    rowStarted = false
    return row
  }

  for await (const chunk of chunks) {
    let i = 0
    const n = chunk.length
    while (i < n) {
      const ch = chunk[i]!
      if (sawCR) {
        sawCR = false
        if (ch === '\n') {
          i++
          continue
        }
      }
      if (!rowStarted) {
        rowStarted = true
        rowLine = line
      }
      if (quoted) {
        if (afterQuote) {
          afterQuote = false
          if (ch === '"') {
            push('"')
            i++
            continue
          }
          quoted = false // the quote closed the cell; fall through to unquoted handling of ch
        } else {
          // Copy a run of ordinary characters at once.
          let j = i
          while (j < n && chunk[j] !== '"') {
            if (chunk[j] === '\n') line++
            j++
          }
          if (j > i) push(chunk.slice(i, j))
          if (j < n) afterQuote = true
          i = j + 1
          continue
        }
      }
      if (ch === '"' && cell.length === 0) {
        quoted = true
        i++
      } else if (ch === delimiter) {
        endCell()
        i++
      } else if (ch === '\n' || ch === '\r') {
        line++
        sawCR = ch === '\r'
        i++
        yield endRow()
      } else {
        let j = i
        while (j < n) {
          const c = chunk[j]
          if (c === delimiter || c === '\n' || c === '\r') break
          j++
        }
        push(chunk.slice(i, j))
        i = j
      }
    }
  }
  if (quoted && !afterQuote) {
    const row = endRow()
    row.truncated = true
    yield row
  } else if (rowStarted) {
    yield endRow()
  }
}

/**
 * Picks the delimiter of a sample (its first lines): the candidate that splits the lines into the same
 * number of cells (more than one) most often. Chinese exports use commas, tabs (from "Unicode text") and
 * sometimes semicolons or vertical bars.
 */
export function detectDelimiter(sample: string): string {
  const lines = sample
    .split(/\r?\n/)
    .slice(0, 20)
    .filter((l) => l.trim() !== '')
  let best = ','
  let bestScore = 0
  for (const candidate of [',', '\t', ';', '|']) {
    const counts = lines.map((l) => countOutsideQuotes(l, candidate))
    const first = counts[0] ?? 0
    if (first === 0) continue
    const score = counts.filter((c) => c === first).length * 1000 + first
    if (score > bestScore) {
      best = candidate
      bestScore = score
    }
  }
  return best
}

function countOutsideQuotes(line: string, delimiter: string): number {
  let count = 0
  let quoted = false
  for (const ch of line) {
    if (ch === '"') quoted = !quoted
    else if (ch === delimiter && !quoted) count++
  }
  return count
}
