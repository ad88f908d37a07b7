import { defineConfig } from 'vitest/config'

// `npm run test:browser`: Debian's Chromium driven by playwright-core against the Worker on
// 127.0.0.1. Kept out of `npm test`, which must pass on a machine without a browser; .ci/run
// installs Chromium when missing and runs this too.
export default defineConfig({
  test: {
    name: 'browser',
    environment: 'node',
    include: ['test/browser/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
})
