#!/usr/bin/env node
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url))
if (!existsSync(cli)) {
  process.stderr.write(
    'trellis: the server is not built yet. Run `npm start` at the repository root (or `pnpm build`).\n',
  )
  process.exit(1)
}
await import(cli)
