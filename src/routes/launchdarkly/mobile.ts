import { Hono } from 'hono'
import type { AppEnv } from '../../app-env'
import { readAnalyticsEvents, readDiagnosticEvent } from '../../launchdarkly/events'
import { sdkKey } from '../../middleware/sdk-key'
import { evalStream, evalx, pingStream, receiveEvents } from './handlers'

/** LaunchDarkly's mobile protocol: a mobile key in `Authorization`, which sees mobile flags only. */
export const launchDarklyMobile = new Hono<AppEnv>()

const mobileKey = sdkKey('mobile')

launchDarklyMobile.get('/msdk/evalx/contexts/:context', mobileKey, evalx)
launchDarklyMobile.get('/msdk/evalx/users/:context', mobileKey, evalx)
launchDarklyMobile.on('REPORT', ['/msdk/evalx/context', '/msdk/evalx/user'], mobileKey, evalx)

launchDarklyMobile.get('/meval/:context', mobileKey, evalStream)
launchDarklyMobile.on('REPORT', '/meval', mobileKey, evalStream)
launchDarklyMobile.get('/mping', mobileKey, pingStream)

launchDarklyMobile.post('/mobile/events/bulk', mobileKey, receiveEvents(readAnalyticsEvents))
launchDarklyMobile.post('/mobile/events', mobileKey, receiveEvents(readAnalyticsEvents))
launchDarklyMobile.post('/mobile', mobileKey, receiveEvents(readAnalyticsEvents))
launchDarklyMobile.post('/mobile/events/diagnostic', mobileKey, receiveEvents(readDiagnosticEvent))
