import { Hono } from 'hono'
import type { AppEnv } from '../app-env'
import { apiKey } from '../middleware/api-key'
import { matchesEtag } from '../ofrep/etag'
import { storeSources } from '../store/from-context'
import { readRuleset } from '../store/rulesets'

/** The raw ruleset, for server SDKs that evaluate locally. Server keys only: it holds every rule. */
export const ruleset = new Hono<AppEnv>()

ruleset.get('/', apiKey({ kinds: ['server'] }), async (c) => {
  const { environment } = c.get('apiKey')
  const { version, stored } = await readRuleset(environment, storeSources(c))
  const etag = `"ruleset-${version}"`
  c.header('ETag', etag)
  c.header('Cache-Control', 'private, no-cache')
  if (matchesEtag(c.req.header('If-None-Match'), etag)) return c.body(null, 304)
  return c.json({ version, flags: stored.flags, segments: stored.segments })
})
