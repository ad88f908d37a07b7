import type { Context } from 'hono'
import type { AppEnv } from '../app-env'
import type { Env } from '../env'
import { parseRefreshMs, type StoreSources } from './sources'

/** The read path's sources for one request, from the Worker's bindings and context. */
export const sourcesOf = (env: Env, ctx: ExecutionContext): StoreSources => ({
  kv: env.FLAGS,
  cache: typeof caches === 'undefined' ? undefined : caches.default,
  refreshMs: parseRefreshMs(env.REFRESH_MS),
  waitUntil: (promise) => ctx.waitUntil(promise),
  now: Date.now,
})

/** The same, inside a Hono route. */
export const storeSources = (c: Context<AppEnv>): StoreSources => sourcesOf(c.env, c.executionCtx)
