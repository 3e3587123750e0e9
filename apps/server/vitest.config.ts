import { defineProject } from 'vitest/config'

export default defineProject({
  test: {
    name: 'server',
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    // PGlite boots a WASM Postgres per test file; give slow machines room.
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
})
