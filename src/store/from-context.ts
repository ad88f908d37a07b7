import type { Context } from 'hono'
import type { AppEnv } from '../app-env'
import { parseRefreshMs, type StoreSources } from './sources'

/** The read path's sources for one request. */
export const storeSources = (c: Context<AppEnv>): StoreSources => ({
  kv: c.env.FLAGS,
  cache: typeof caches === 'undefined' ? undefined : caches.default,
  refreshMs: parseRefreshMs(c.env.REFRESH_MS),
  waitUntil: (promise) => c.executionCtx.waitUntil(promise),
  now: Date.now,
})
