const pad = (n: number, width = 2) => String(n).padStart(width, '0')

/** Days between Excel's epoch (1899-12-30, which absorbs Lotus's phantom 1900-02-29) and 1970-01-01. */
const excelEpochDays = 25569

function validDate(y: number, m: number, d: number): boolean {
  if (y < 1000 || y > 9999 || m < 1 || m > 12 || d < 1) return false
  return d <= new Date(Date.UTC(y, m, 0)).getUTCDate()
}

export interface DateParts {
  date: string
  /** `HH:MM:SS` when the input had a time of day. */
  time?: string
}

/**
 * Reads the dates people type or export: `2026-01-05`, `2026/1/5`, `2026.1.5`, `2026年1月5日`, each with an
 * optional time (`13:00`, `13:00:05`, `13时`), and Excel serial numbers (`46027`, `46027.5`) as a CSV
 * saved from Excel keeps them for cells formatted as numbers. Day-first or month-first forms (`5/1/2026`)
 * are refused: they are ambiguous, and a wrong guess silently corrupts data.
 */
export function parseDateParts(raw: string): DateParts | undefined {
  const text = raw.trim().replace(/\s+/g, ' ')
  const serial = /^\d{1,6}(?:\.\d+)?$/.exec(text)
  if (serial) {
    const value = Number(text)
    // 1 (1900-01-01) … 2958465 (9999-12-31); small integers that look like years are not serials.
    if (value < 1 || value > 2958465 || (Number.isInteger(value) && value >= 1000 && value <= 9999)) {
      return undefined
    }
    const ms = Math.round((value - excelEpochDays) * 86400000)
    const d = new Date(ms)
    const date = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`
    const seconds = Math.round((value % 1) * 86400)
    if (seconds === 0) return { date }
    return { date, time: `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}` }
  }
  const match =
    /^(\d{4})\s*(?:[-/.]|年)\s*(\d{1,2})\s*(?:[-/.]|月)\s*(\d{1,2})\s*日?(?:[ T]\s*(\d{1,2})\s*[:时点]\s*(\d{1,2})?\s*(?:[:分]\s*(\d{1,2})\s*秒?)?\s*分?)?$/.exec(
      text,
    )
  if (!match) return undefined
  const [, ys, ms, ds, hs, mins, ss] = match
  const y = Number(ys)
  const m = Number(ms)
  const d = Number(ds)
  if (!validDate(y, m, d)) return undefined
  const date = `${y}-${pad(m)}-${pad(d)}`
  if (hs === undefined) return { date }
  const h = Number(hs)
  const mi = Number(mins ?? 0)
  const s = Number(ss ?? 0)
  if (h > 23 || mi > 59 || s > 59) return undefined
  return { date, time: `${pad(h)}:${pad(mi)}:${pad(s)}` }
}
