import { Hono } from 'hono'
import type { AppEnv } from '../../app-env'
import { launchDarklyClient } from './client'
import { launchDarklyMobile } from './mobile'
import { launchDarklyServer } from './server'

/**
 * LaunchDarkly's SDK protocols at the paths its SDKs use (as LaunchDarkly's Relay Proxy serves
 * them), over the same evaluator and Hub as OFREP: an SDK points here with its endpoint options.
 */
export const launchDarkly = new Hono<AppEnv>()

launchDarkly.route('/', launchDarklyClient)
launchDarkly.route('/', launchDarklyMobile)
launchDarkly.route('/', launchDarklyServer)
