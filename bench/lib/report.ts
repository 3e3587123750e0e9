import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

/** One measured comparison; ratio > 1 means ours is better. */
export interface Comparison {
  bench: string
  unit: string
  ours: number
  baseline: number
  ratio: number
  /** What the baseline is, for the docs table. */
  note?: string
}

/** For "higher is better" units (ops/s, req/s) ratio = ours/baseline; for times, baseline/ours. */
export function compare(
  bench: string,
  unit: string,
  ours: number,
  baseline: number,
  higherIsBetter: boolean,
  note?: string,
): Comparison {
  const ratio = higherIsBetter ? ours / baseline : baseline / ours
  return {
    bench,
    unit,
    ours: round(ours),
    baseline: round(baseline),
    ratio: round(ratio, 3),
    ...(note ? { note } : {}),
  }
}

function round(n: number, digits = 2): number {
  const f = 10 ** digits
  return Math.round(n * f) / f
}

export function machineLine(): string {
  const cpu = os.cpus()[0]?.model.trim() ?? 'unknown CPU'
  const gib = Math.round(os.totalmem() / 2 ** 30)
  return `${os.cpus().length} cores (${cpu}), ${gib} GiB, Node ${process.version}`
}

const docsFile = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../docs/benchmarks.md')
const header = '| bench | unit | ours | baseline | ratio | baseline is | date | machine |'
const rule = '|---|---|---|---|---|---|---|---|'

/** Prints one JSON line and rewrites (or appends) this bench's row in docs/benchmarks.md. */
export function record(result: Comparison): void {
  const { note: _note, ...line } = result
  process.stdout.write(`${JSON.stringify(line)}\n`)
  const text = fs.existsSync(docsFile) ? fs.readFileSync(docsFile, 'utf8') : ''
  const lines = text.split('\n')
  let start = lines.indexOf(header)
  if (start < 0) {
    lines.push('', header, rule)
    start = lines.length - 2
  }
  let end = start + 2
  while (end < lines.length && lines[end]!.startsWith('|')) end++
  const date = new Date().toISOString().slice(0, 10)
  const row = `| ${result.bench} | ${result.unit} | ${result.ours} | ${result.baseline} | ${result.ratio} | ${result.note ?? ''} | ${date} | ${machineLine()} |`
  const existing = lines.slice(start + 2, end).findIndex((l) => l.startsWith(`| ${result.bench} |`))
  if (existing >= 0) lines[start + 2 + existing] = row
  else lines.splice(end, 0, row)
  fs.writeFileSync(docsFile, lines.join('\n'))
}
