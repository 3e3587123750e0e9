/**
 * OWASP CSV injection: a cell a spreadsheet would run as a formula (starting with = + - @, tab, CR or
 * LF) is prefixed with a single quote, which Excel and WPS show as text and do not evaluate.
 */
export function neutralizeCell(text: string): string {
  const first = text.charCodeAt(0)
  // = + - @ tab CR LF (an export checks every cell: the common case is decided by one comparison each).
  if (
    first !== 61 &&
    first !== 43 &&
    first !== 45 &&
    first !== 64 &&
    first !== 9 &&
    first !== 13 &&
    first !== 10
  )
    return text
  // A plain negative number cannot run as a formula; quoting it would turn it into text in Excel.
  if (first === 45 && /^-\d+(?:\.\d+)?$/.test(text)) return text
  return `'${text}`
}

/** One CSV cell: neutralized, then quoted when it holds a delimiter, quote or line break. */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return ''
  // A number's text has no delimiter, quote or line break, and starts with a digit unless negative.
  if (typeof value === 'number' && value >= 0) return String(value)
  const text = neutralizeCell(typeof value === 'object' ? JSON.stringify(value) : String(value))
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text
}

export function csvLine(values: readonly unknown[]): string {
  return `${values.map(csvCell).join(',')}\r\n`
}
