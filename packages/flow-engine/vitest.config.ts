import { defineProject } from 'vitest/config'

export default defineProject({
  test: { name: 'flow-engine', include: ['test/**/*.test.ts'], passWithNoTests: true },
})
