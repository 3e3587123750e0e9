import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { TestProject } from 'vitest/node'

declare module 'vitest' {
  export interface ProvidedContext {
    /** Where the browser tests' one production build of the designer goes (built on first use). */
    designerBuildRoot: string
  }
}

/** One folder per test run for the designer build that every browser test file shares; removed afterwards. */
export default function setup(project: TestProject): () => void {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'trellis-designer-build-'))
  project.provide('designerBuildRoot', root)
  return () => fs.rmSync(root, { recursive: true, force: true })
}
