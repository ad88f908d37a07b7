import type { Env } from '../env'
import { toApiError } from '../errors'
import { evaluateCompiledFlag, type EvaluationContext } from '../evaluation'
import { authenticate, keyInHeaders } from '../middleware/api-key'
import { corsHeaders } from '../middleware/cors'
import { readJsonBody } from '../middleware/json-body'
import type { ApiKeyRecord, KeyKind } from '../model/api-key'
import { readOfrepContext } from '../ofrep/context'
import { ofrepErrorBody } from '../ofrep/errors'
import { matchesEtag } from '../ofrep/etag'
import { audienceOf, ofrepJson } from '../ofrep/response'
import { visibleTo } from '../ofrep/visibility'
import { sourcesOf } from '../store/from-context'
import { fingerprint } from '../store/hash'
import { lruStrings } from '../store/lru'
import { readRuleset, type LoadedRuleset } from '../store/rulesets'
import { servedCode, servedText } from '../insights/tally'
import { tallyFor } from '../insights/worker'

/**
 * `POST /ofrep/v1/evaluate/flags`, OFREP's bulk evaluation: the request every page load makes,
 * so it is a plain function over the Fetch API rather than a chain of middleware. Its steps are
 * the same functions the other routes' middleware uses (key, body, CORS, errors).
 */

export const OFREP_BULK_PATH = '/ofrep/v1/evaluate/flags'

const KINDS = new Set<KeyKind>(['client', 'mobile', 'server'])
const BODY = { maxBytes: 64 * 1024, emptyAs: {} }

// What the last rendering served, flag by flag in the ruleset's order (codes of
// src/insights/tally.ts), for flag insights; one array reused, as rendering is synchronous
let served = new Uint16Array(256)

// Written as text from per-flag fragments: serialising 200 results afresh cost more than
// evaluating them (bench/profile-http.ts)
const renderFlags = (ruleset: LoadedRuleset, key: ApiKeyRecord, context: EvaluationContext) => {
  const visible = visibleTo(key.kind)
  const audience = audienceOf(key.kind)
  const flags: string[] = []
  if (served.length < ruleset.compiled.flags.size) served = new Uint16Array(ruleset.compiled.flags.size)
  let position = 0
  for (const flag of ruleset.compiled.flags.values()) {
    if (visible(flag)) {
      const result = evaluateCompiledFlag(flag, context)
      served[position] = servedCode(result.variationIndex)
      flags.push(ofrepJson(flag, result, audience))
    } else served[position] = 0
    position++
  }
  return flags.join(',')
}

// Rendered flag lists of recent answers. Anonymous visitors with the same attributes, and reloads
// without an ETag, send one context again and again; the answer is the same text as long as the
// ruleset is. Keyed by everything the answer depends on (the ruleset as loaded, the key's kind,
// the context), in full rather than by a hash, so no crafted context can take another's entry.
// A rendering is kept only for a context seen before (its ETag was asked for recently): a
// stream of one-off contexts then neither pays for storing answers nor pushes out repeated ones.
// A kept rendering starts with what it served, one character per flag (`servedText`): a cache
// hit is an evaluation served too, and is counted from it.
export const renderedAnswers = lruStrings({ maxEntries: 5000, maxChars: 8 * 1024 * 1024 })
const seenOnce = lruStrings({ maxEntries: 20_000, maxChars: 2 * 1024 * 1024 })

// OFREP's change stream, in the origin the caller used: the unmodified web provider connects
// to it and refetches on each event
const eventStreams = (url: string, key: string) => {
  const origin = url.slice(0, url.indexOf('/', url.indexOf('//') + 2))
  return JSON.stringify([{ type: 'sse', url: `${origin}/v1/sse?key=${encodeURIComponent(key)}` }])
}

const answer = async (request: Request, env: Env, ctx: ExecutionContext, headers: [string, string][]) => {
  const sources = sourcesOf(env, ctx)
  const keyText = keyInHeaders(request.headers)
  const key = await authenticate(keyText, KINDS, sources)
  const { context, canonical } = readOfrepContext(await readJsonBody(request, BODY))
  const ruleset = await readRuleset(key.environment, sources)
  // The ETag covers everything the answer depends on: the rules (version), which flags the key
  // may see (kind, environment) and the context itself. The ruleset version alone would answer
  // a wrong 304 after a context change, since OFREP providers resend their last ETag.
  const etag = `"${ruleset.version}-${key.kind}-${fingerprint(`${key.environment}\n${canonical}`)}"`
  headers.push(['ETag', etag], ['Cache-Control', 'private, no-cache'])
  if (matchesEtag(request.headers.get('If-None-Match') ?? undefined, etag)) return new Response(null, { status: 304, headers })
  const answerKey = `${ruleset.serial}\n${key.kind}\n${canonical}`
  const tally = tallyFor(env, ctx, ruleset)
  const size = ruleset.compiled.flags.size
  const kept = renderedAnswers.get(answerKey)
  let flags: string
  if (kept === undefined) {
    flags = renderFlags(ruleset, key, context)
    tally?.countServed(served)
    if (seenOnce.get(etag) === undefined) seenOnce.set(etag, '')
    else renderedAnswers.set(answerKey, servedText(served, size) + flags)
  } else {
    tally?.countServedText(kept)
    flags = kept.slice(size)
  }
  const body = `{"flags":[${flags}],"eventStreams":${eventStreams(request.url, keyText!)},"metadata":{"version":${ruleset.version}}}`
  headers.push(['Content-Type', 'application/json'])
  return new Response(body, { headers })
}

/** The bulk answer, or an error in OFREP's shape; CORS headers on either (DESIGN.md section 4). */
export const ofrepBulk = async (request: Request, env: Env, ctx: ExecutionContext): Promise<Response> => {
  const cors = corsHeaders(env.CORS_ORIGINS, request.headers.get('Origin') ?? undefined)
  try {
    return await answer(request, env, ctx, [...cors])
  } catch (error) {
    const apiError = toApiError(error)
    const headers: [string, string][] = [...cors, ['Content-Type', 'application/json']]
    if (apiError.retryAfter !== undefined) headers.push(['Retry-After', String(apiError.retryAfter)])
    return new Response(JSON.stringify(ofrepErrorBody(apiError, undefined)), { status: apiError.status, headers })
  }
}
