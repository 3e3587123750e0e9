// `pnpm bench [name…]`: runs every benchmark (or the named ones), one JSON line per comparison,
// and rewrites their rows in docs/benchmarks.md.
import { record, type Comparison } from './lib/report.js'

const benches: Record<string, () => Promise<{ run: () => Promise<Comparison[]> }>> = {
  health: () => import('./health.js'),
  conditions: () => import('./conditions.js'),
  'records-write': () => import('./records-write.js'),
  'records-list': () => import('./records-list.js'),
  pivot: () => import('./pivot.js'),
  rules: () => import('./rules.js'),
  import: () => import('./import.js'),
  export: () => import('./export.js'),
  flows: () => import('./flows.js'),
  load: () => import('./load.js'),
  'customer-view': () => import('./customer-view.js'),
  'records-scroll': () => import('./records-scroll.js'),
  'form-designer-drag': () => import('./form-designer-drag.js'),
}

const wanted = process.argv.slice(2).filter((a) => a !== '--')
const selected = wanted.length ? wanted : Object.keys(benches)
for (const name of selected) {
  const load = benches[name]
  if (!load) {
    process.stderr.write(`unknown bench "${name}"; known: ${Object.keys(benches).join(', ')}\n`)
    process.exit(2)
  }
  const { run } = await load()
  for (const result of await run()) record(result)
}
