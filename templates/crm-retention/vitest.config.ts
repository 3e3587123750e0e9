import { defineProject } from 'vitest/config'

export default defineProject({
  test: { name: 'template-crm', include: ['test/**/*.test.ts'], testTimeout: 60_000 },
})
