// Types for the `cloudflare:test` module (runInDurableObject, reset, ...). `env` and `exports`
// from 'cloudflare:workers' are typed by the global augmentation in src/env.ts.
/// <reference types="@cloudflare/vitest-pool-workers/types" />
