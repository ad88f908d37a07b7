import { Hono } from 'hono'
import type { AppEnv } from '../app-env'
import { ApiError } from '../errors'
import { withBootstrap } from './bootstrap'

/**
 * The live demo page and the client it loads, at /demo. On only where `DEMO=on` (in
 * .dev.vars.example, so `npm run dev` has it); everywhere else it is a plain 404.
 */
export const demo = new Hono<AppEnv>()

// Public: the page only ever holds a client key, which browsers hold anyway
const DEV_CLIENT_KEY = 'dev-client-key'

demo.use('*', async (c, next) => {
  if (c.env.DEMO !== 'on') throw new ApiError(404, 'not_found', 'The demo is off here (set DEMO=on to serve it)')
  await next()
})

// Loaded on first use: a cold isolate answering OFREP never evaluates the page or the bundle
// Served through the same rewriter as proxied pages (src/routes/bootstrap.ts), so the page has
// the visitor's flags before its first paint
demo.get('/', async (c) => {
  const { demoPage } = await import('../demo/page')
  const key = c.req.query('key') ?? DEV_CLIENT_KEY
  return withBootstrap(c.req.raw, c.env, c.executionCtx, await c.html(demoPage(key)), key)
})

demo.get('/client.js', async (c) => {
  const { CLIENT_BUNDLE } = await import('../demo/client-bundle.generated')
  return c.body(CLIENT_BUNDLE, 200, { 'Content-Type': 'text/javascript; charset=utf-8' })
})
