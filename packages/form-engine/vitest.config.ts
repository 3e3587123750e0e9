import { defineProject } from 'vitest/config'

export default defineProject({
  test: { name: 'form-engine', include: ['test/**/*.test.ts'], passWithNoTests: true },
})
