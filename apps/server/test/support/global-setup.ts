import type { TestProject } from 'vitest/node'
import { resolveTestDatabases } from './databases.js'

/** Decides once per run which databases the suite covers, and says so in the output. */
export default async function setup(project: TestProject): Promise<void> {
  const { names, note } = await resolveTestDatabases()
  process.stdout.write(
    `\n[trellis] database tests run on: ${names.join(', ')}${note ? ` — ${note}` : ''}\n\n`,
  )
  project.provide('trellisDatabases', names)
}

declare module 'vitest' {
  export interface ProvidedContext {
    trellisDatabases: string[]
  }
}
