import { defineConfig } from 'vitest/config'

// One vitest run over every workspace package; each project imports `src` directly.
export default defineConfig({
  test: {
    projects: ['packages/*', 'apps/server', 'apps/designer', 'templates/*'],
  },
})
