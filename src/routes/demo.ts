import { Hono } from 'hono'
import type { AppEnv } from '../app-env'
import { ApiError } from '../errors'
import { CLIENT_BUNDLE } from '../demo/client-bundle.generated'
import { demoPage } from '../demo/page'

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

demo.get('/', (c) => c.html(demoPage(c.req.query('key') ?? DEV_CLIENT_KEY)))

demo.get('/client.js', (c) => c.body(CLIENT_BUNDLE, 200, { 'Content-Type': 'text/javascript; charset=utf-8' }))
