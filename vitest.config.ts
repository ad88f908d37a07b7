import { cloudflareTest } from '@cloudflare/vitest-pool-workers'
import { defineConfig } from 'vitest/config'

// One `vitest run` covers every project: `unit` and `e2e` in plain Node, `worker` inside workerd with the
// bindings from wrangler.toml. Worker storage (KV, Hub) starts empty in each test file but is
// shared by the tests within a file.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          environment: 'node',
          include: ['test/unit/**/*.test.ts'],
        },
      },
      {
        // End-to-end: a real server (Miniflare or wrangler dev on 127.0.0.1) and real clients
        test: {
          name: 'e2e',
          environment: 'node',
          include: ['test/e2e/**/*.test.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        plugins: [
          cloudflareTest({
            wrangler: { configPath: './wrangler.toml' },
            // the secrets .dev.vars would hold; tests sign and authenticate with these
            miniflare: { bindings: { WEBHOOK_SECRET: 'test-webhook-secret', ADMIN_TOKEN: 'test-admin-token' } },
          }),
        ],
        test: {
          name: 'worker',
          // test/adversarial: fuzzing and authorization in the same runtime as the worker tests
          include: ['test/worker/**/*.test.ts', 'test/adversarial/**/*.test.ts'],
        },
      },
    ],
  },
})
