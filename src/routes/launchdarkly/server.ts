import { Hono, type Context } from 'hono'
import type { AppEnv } from '../../app-env'
import { ApiError } from '../../errors'
import { readAnalyticsEvents, readDiagnosticEvent } from '../../launchdarkly/events'
import { sdkKey } from '../../middleware/sdk-key'
import { matchesEtag } from '../../ofrep/etag'
import { storeSources } from '../../store/from-context'
import { fingerprint } from '../../store/hash'
import { readRuleset, type LoadedRuleset } from '../../store/rulesets'
import { openSdkStream, receiveEvents } from './handlers'

/**
 * LaunchDarkly's server-side protocol: the SDK key (a server key here) in `Authorization`, the
 * whole ruleset for the SDK to evaluate itself, by polling or by the `/all` stream.
 */
export const launchDarklyServer = new Hono<AppEnv>()

const serverKey = sdkKey('server')

// A ruleset's flags and segments as JSON text, made once per loaded ruleset: every poll of an
// unchanged environment sends the same bytes
const texts = new WeakMap<LoadedRuleset, Map<string, string>>()

const jsonOf = (ruleset: LoadedRuleset, name: string, make: () => unknown) => {
  let made = texts.get(ruleset)
  if (made === undefined) texts.set(ruleset, (made = new Map()))
  let text = made.get(name)
  if (text === undefined) made.set(name, (text = JSON.stringify(make())))
  return text
}

/** Answers `make()` of the key's ruleset as JSON, with an ETag of its version (304 when it matches). */
const poll = (name: string, make: (ruleset: LoadedRuleset, c: Context<AppEnv>) => unknown) => async (c: Context<AppEnv>) => {
  const { environment } = c.get('apiKey')
  const ruleset = await readRuleset(environment, storeSources(c))
  // made first: an item that does not exist is 404 whatever ETag the caller holds
  const text = jsonOf(ruleset, name, () => make(ruleset, c))
  const etag = `"${ruleset.version}-${fingerprint(environment)}"`
  c.header('ETag', etag)
  c.header('Cache-Control', 'private, no-cache')
  if (matchesEtag(c.req.header('If-None-Match'), etag)) return c.body(null, 304)
  c.header('Content-Type', 'application/json')
  return c.body(text)
}

const item = (section: 'flags' | 'segments') => (ruleset: LoadedRuleset, c: Context<AppEnv>) => {
  const key = c.req.param('key') ?? ''
  const found = Object.hasOwn(ruleset.stored[section], key) ? ruleset.stored[section][key] : undefined
  if (found === undefined) throw new ApiError(404, 'not_found', `No ${section === 'flags' ? 'flag' : 'segment'} has the key "${key}"`)
  return found
}

const all = poll('all', ({ stored }) => ({ flags: stored.flags, segments: stored.segments }))
const flags = poll('flags', ({ stored }) => stored.flags)

// Polling, as the server SDKs do it (`latest-*`), and the older names LaunchDarkly's PHP SDK uses
launchDarklyServer.get('/sdk/latest-all', serverKey, all)
launchDarklyServer.get('/sdk/latest-flags', serverKey, flags)
launchDarklyServer.get('/sdk/flags', serverKey, flags)
for (const prefix of ['/sdk/latest-flags', '/sdk/flags']) {
  launchDarklyServer.get(`${prefix}/:key`, serverKey, (c) => poll(`flag\n${c.req.param('key')}`, item('flags'))(c))
}
for (const prefix of ['/sdk/latest-segments', '/sdk/segments']) {
  launchDarklyServer.get(`${prefix}/:key`, serverKey, (c) => poll(`segment\n${c.req.param('key')}`, item('segments'))(c))
}

launchDarklyServer.get('/all', serverKey, (c) => openSdkStream(c, { stream: 'all', environment: c.get('apiKey').environment }))

launchDarklyServer.post('/bulk', serverKey, receiveEvents(readAnalyticsEvents))
launchDarklyServer.post('/diagnostic', serverKey, receiveEvents(readDiagnosticEvent))
