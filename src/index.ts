import { app } from './app'
import type { Env } from './env'
import { isBootstrapRequest, proxyBootstrap } from './routes/bootstrap'
import { OFREP_BULK_PATH, ofrepBulk } from './routes/ofrep-bulk'

export { Hub } from './hub/hub'

// OFREP bulk evaluation skips the router: it is most of the traffic, and the same function
// serves it inside the app (src/app.ts)
// (compared as text: a query string, or anything unusual, simply takes the router's way there)
const isOfrepBulk = ({ method, url }: Request) =>
  method === 'POST' && url.endsWith(OFREP_BULK_PATH) && url.indexOf('/', url.indexOf('//') + 2) === url.length - OFREP_BULK_PATH.length

// `satisfies` rather than a type annotation keeps `fetch` non-optional in the inferred type,
// so tests can call it without asserting that it exists.
export default {
  fetch: (request, env, ctx) => {
    if (isOfrepBulk(request)) return ofrepBulk(request, env, ctx)
    // pages proxied to ORIGIN with flags injected (issue #15); off unless ORIGIN is set
    if (isBootstrapRequest(request, env)) return proxyBootstrap(request, env, ctx)
    return app.fetch(request, env, ctx)
  },
} satisfies ExportedHandler<Env>
