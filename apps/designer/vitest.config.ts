import react from '@vitejs/plugin-react'
import { defineProject } from 'vitest/config'

export default defineProject({
  plugins: [react()],
  test: {
    name: 'designer',
    include: ['test/**/*.test.ts?(x)'],
    globalSetup: ['test/support/global-setup.ts'],
    // Component tests opt into jsdom per file; the browser test builds the designer and boots PGlite.
    testTimeout: 60_000,
    hookTimeout: 180_000,
  },
})
