// Quick start, command one: install, build, and start Trellis on embedded PGlite (./data).
import { bin, installDependencies, pnpm, root, runOrExit, say } from './lib/toolchain.mjs'

process.env.TURBO_TELEMETRY_DISABLED = '1'
await installDependencies()
say('building the server and the designer…')
await pnpm([
  'exec',
  'turbo',
  'run',
  'build',
  '--filter=@trellis/server',
  '--filter=@trellis/designer',
  '--output-logs=errors-only',
])
say('starting Trellis…')
await runOrExit(process.execPath, [`${root}apps/server/bin/trellis.mjs`, 'start', ...process.argv.slice(2)])
