import { defineProject } from 'vitest/config'

export default defineProject({
  test: { name: 'report-engine', include: ['test/**/*.test.ts'], passWithNoTests: true },
})
