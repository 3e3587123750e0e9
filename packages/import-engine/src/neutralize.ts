/**
 * OWASP CSV injection: a cell a spreadsheet would run as a formula (starting with = + - @, tab, CR or
 * LF) is prefixed with a single quote, which Excel and WPS show as text and do not evaluate.
 */
export function neutralizeCell(text: string): string {
  // A plain negative number cannot run as a formula; quoting it would turn it into text in Excel.
  if (/^-\d+(?:\.\d+)?$/.test(text)) return text
  return /^[=+\-@\t\r\n]/.test(text) ? `'${text}` : text
}

/** One CSV cell: neutralized, then quoted when it holds a delimiter, quote or line break. */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return ''
  const text = neutralizeCell(typeof value === 'object' ? JSON.stringify(value) : String(value))
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text
}

export function csvLine(values: readonly unknown[]): string {
  return `${values.map(csvCell).join(',')}\r\n`
}
