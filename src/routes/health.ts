import { Hono } from 'hono'
import type { Env } from '../env'

/** Liveness only: it touches no binding, so it answers even when KV or the Hub is down. */
export const health = new Hono<{ Bindings: Env }>()

health.get('/healthz', (c) => c.json({ ok: true }))
