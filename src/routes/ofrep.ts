import { Hono } from 'hono'
import type { AppEnv } from '../app-env'
import { ApiError } from '../errors'
import { evaluateCompiledFlag, evaluateFlag } from '../evaluation'
import { apiKey } from '../middleware/api-key'
import { jsonBody } from '../middleware/json-body'
import { readOfrepContext } from '../ofrep/context'
import { renderOfrepError } from '../ofrep/errors'
import { matchesEtag } from '../ofrep/etag'
import { audienceOf, ofrepFailure, ofrepJson, toOfrep } from '../ofrep/response'
import { visibleTo } from '../ofrep/visibility'
import { storeSources } from '../store/from-context'
import { fingerprint } from '../store/hash'
import { lruStrings } from '../store/lru'
import { readRuleset, type LoadedRuleset } from '../store/rulesets'
import type { ApiKeyRecord } from '../model/api-key'
import type { EvaluationContext } from '../evaluation'

/** OFREP evaluation (https://openfeature.dev/specification/appendix-c), mounted at /ofrep/v1. */
export const ofrep = new Hono<AppEnv>()

ofrep.use(
  '*',
  apiKey({ kinds: ['client', 'mobile', 'server'] }),
  jsonBody({ maxBytes: 64 * 1024, emptyAs: {} }),
)

// Written as text from per-flag fragments: serialising 200 results afresh cost more than
// evaluating them (bench/profile-http.ts)
const renderFlags = (ruleset: LoadedRuleset, key: ApiKeyRecord, context: EvaluationContext) => {
  const visible = visibleTo(key.kind)
  const audience = audienceOf(key.kind)
  const flags: string[] = []
  for (const flag of ruleset.compiled.flags.values()) {
    if (visible(flag)) flags.push(ofrepJson(flag, evaluateCompiledFlag(flag, context), audience))
  }
  return flags.join(',')
}

// Rendered flag lists of recent answers. Anonymous visitors with the same attributes, and reloads
// without an ETag, send one context again and again; the answer is the same text as long as the
// ruleset is. Keyed by everything the answer depends on (the ruleset as loaded, the key's kind,
// the context), in full rather than by a hash, so no crafted context can take another's entry.
export const renderedAnswers = lruStrings({ maxEntries: 5000, maxChars: 8 * 1024 * 1024 })

ofrep.post('/evaluate/flags', async (c) => {
  const key = c.get('apiKey')
  const { context, canonical } = readOfrepContext(c.get('body'))
  const ruleset = await readRuleset(key.environment, storeSources(c))
  // The ETag covers everything the answer depends on: the rules (version), which flags the key
  // may see (kind, environment) and the context itself. The ruleset version alone would answer
  // a wrong 304 after a context change, since OFREP providers resend their last ETag.
  const etag = `"${ruleset.version}-${key.kind}-${fingerprint(`${key.environment}\n${canonical}`)}"`
  c.header('ETag', etag)
  c.header('Cache-Control', 'private, no-cache')
  if (matchesEtag(c.req.header('If-None-Match'), etag)) return c.body(null, 304)
  const answerKey = `${ruleset.serial}\n${key.kind}\n${canonical}`
  let flags = renderedAnswers.get(answerKey)
  if (flags === undefined) {
    flags = renderFlags(ruleset, key, context)
    renderedAnswers.set(answerKey, flags)
  }
  // OFREP's change stream: the unmodified web provider connects and refetches on each event
  const events = new URL(`/v1/sse?key=${encodeURIComponent(c.get('apiKeyText'))}`, c.req.url).toString()
  const streams = JSON.stringify([{ type: 'sse', url: events }])
  const body = `{"flags":[${flags}],"eventStreams":${streams},"metadata":{"version":${ruleset.version}}}`
  return c.body(body, 200, { 'Content-Type': 'application/json' })
})

ofrep.post('/evaluate/flags/:key', async (c) => {
  const flagKey = c.req.param('key')
  const key = c.get('apiKey')
  const { context } = readOfrepContext(c.get('body'))
  const ruleset = await readRuleset(key.environment, storeSources(c))
  const flag = ruleset.compiled.flags.get(flagKey)
  // a flag the key may not see answers exactly like one that does not exist
  if (flag === undefined || !visibleTo(key.kind)(flag)) {
    return c.json(ofrepFailure(flagKey, 'FLAG_NOT_FOUND', `No flag "${flagKey}" is available to this key`), 404)
  }
  const answer = toOfrep(flag, evaluateFlag(ruleset.compiled, flagKey, context), audienceOf(key.kind))
  if ('errorCode' in answer) return c.json(answer, answer.errorCode === 'FLAG_NOT_FOUND' ? 404 : 400)
  return c.json(answer)
})

// anything else under /ofrep/v1, once the key and body passed, answers in OFREP's shape too
ofrep.all('*', (c) => {
  throw new ApiError(404, 'not_found', `No OFREP route for ${c.req.method} ${new URL(c.req.url).pathname}`)
})

ofrep.onError(renderOfrepError)
