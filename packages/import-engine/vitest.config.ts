import { defineProject } from 'vitest/config'

export default defineProject({
  test: { name: 'import-engine', include: ['test/**/*.test.ts'] },
})
