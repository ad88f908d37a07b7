import { Hono } from 'hono'
import type { AppEnv } from '../../app-env'
import { readAnalyticsEvents, readDiagnosticEvent } from '../../launchdarkly/events'
import { sdkCors } from '../../middleware/cors'
import { clientSideId } from '../../middleware/sdk-key'
import { evalStream, evalx, pingStream, receiveEvents } from './handlers'

/**
 * LaunchDarkly's client-side protocol, as its browser SDK speaks it: the environment's client key
 * serves as the client-side id in the path (public in both worlds), and browsers call from any
 * page (CORS_ORIGINS narrows that), REPORT preflights included.
 */
export const launchDarklyClient = new Hono<AppEnv>()

for (const path of ['/sdk/evalx/:envId/*', '/sdk/goals/:envId', '/eval/:envId', '/eval/:envId/*', '/ping/:envId', '/events/:type/:envId']) {
  launchDarklyClient.use(path, sdkCors)
}

// `contexts`/`context` and the older `users`/`user` are one endpoint (LaunchDarkly accepts either JSON)
launchDarklyClient.get('/sdk/evalx/:envId/contexts/:context', clientSideId, evalx)
launchDarklyClient.get('/sdk/evalx/:envId/users/:context', clientSideId, evalx)
launchDarklyClient.on('REPORT', ['/sdk/evalx/:envId/context', '/sdk/evalx/:envId/user'], clientSideId, evalx)

// Click and page-view goals are a LaunchDarkly experimentation feature edgeflags does not have
launchDarklyClient.get('/sdk/goals/:envId', clientSideId, (c) => c.json([]))

launchDarklyClient.get('/eval/:envId/:context', clientSideId, evalStream)
launchDarklyClient.on('REPORT', '/eval/:envId', clientSideId, evalStream)
launchDarklyClient.get('/ping/:envId', clientSideId, pingStream)

launchDarklyClient.post('/events/bulk/:envId', clientSideId, receiveEvents(readAnalyticsEvents))
launchDarklyClient.post('/events/diagnostic/:envId', clientSideId, receiveEvents(readDiagnosticEvent))
