import { Hono, type Context } from 'hono'
import type { AppEnv } from './app-env'
import { ApiError, toApiError } from './errors'
import { browserCors } from './middleware/cors'
import { health } from './routes/health'
import { ofrep } from './routes/ofrep'
import { OFREP_BULK_PATH, ofrepBulk } from './routes/ofrep-bulk'
import { ruleset } from './routes/ruleset'
import { admin } from './routes/admin'
import { webhook } from './routes/webhook'
import { stream } from './routes/stream'
import { demo } from './routes/demo'
import { launchDarkly } from './routes/launchdarkly'

/** The Worker's Hono app: each route group is a sub-app in `src/routes/`, mounted here. */
export const app = new Hono<AppEnv>()

// OFREP's bulk evaluation, the hottest path, is one plain function with its own CORS and errors;
// src/index.ts hands it requests before the router, and this route serves app.fetch the same
app.post(OFREP_BULK_PATH, (c) => ofrepBulk(c.req.raw, c.env, c.executionCtx))

// Browsers call OFREP and the streams from any page by default (client keys are public);
// CORS_ORIGINS narrows that to a comma-separated list.
app.use('/ofrep/*', browserCors)
app.use('/v1/*', browserCors)

app.route('/', health)
app.route('/ofrep/v1', ofrep)
app.route('/v1/ruleset', ruleset)
app.route('/v1', stream)
app.route('/demo', demo)
app.route('/admin/v1/webhook', webhook)
app.route('/admin/v1/environments', admin)
app.route('/', launchDarkly)

// DESIGN.md section 4: every error outside OFREP has this one shape
const renderError = (error: unknown, c: Context<AppEnv>) => {
  const apiError = toApiError(error)
  if (apiError.retryAfter !== undefined) c.header('Retry-After', String(apiError.retryAfter))
  return c.json(
    { error: { code: apiError.code, message: apiError.message, details: apiError.details } },
    apiError.status,
  )
}

app.notFound((c) =>
  renderError(new ApiError(404, 'not_found', `No route for ${c.req.method} ${new URL(c.req.url).pathname}`), c),
)
app.onError(renderError)
