import { defineProject } from 'vitest/config'

export default defineProject({
  test: { name: 'rule-engine', include: ['test/**/*.test.ts'], passWithNoTests: true },
})
