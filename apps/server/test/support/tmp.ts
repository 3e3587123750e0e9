import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

/** A fresh data folder (uploaded files) for one test file. */
export function tmpDataDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'trellis-test-'))
}
