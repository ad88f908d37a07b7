import type { Context } from 'hono'
import type { AppEnv } from '../../app-env'
import { ApiError } from '../../errors'
import { SDK_STREAM_PATH, type SdkStreamOpening } from '../../hub/sdk-streams'
import { contextInPath, readSdkContext, type SdkContext } from '../../launchdarkly/context'
import { evalxAll } from '../../launchdarkly/evalx'
import type { EventsReceived } from '../../launchdarkly/events'
import { readJsonBody } from '../../middleware/json-body'
import { storeSources } from '../../store/from-context'
import { readRuleset } from '../../store/rulesets'
import { countReported, tallyFor } from '../../insights/worker'

/**
 * What the client-side (browser and mobile) and server-side LaunchDarkly routes share: contexts
 * from the path or a REPORT body, evalx answers, streams through the Hub, and event payloads.
 */

type Handler = (c: Context<AppEnv>) => Promise<Response>

// DESIGN.md section 8: request bodies are at most 64 KiB
const MAX_BODY_BYTES = 64 * 1024

/** The context of a client-side request: base64url JSON in the path (GET) or the body (REPORT). */
export const requestContext = async (c: Context<AppEnv>): Promise<SdkContext> => {
  if (c.req.method === 'REPORT') return readSdkContext(await readJsonBody(c.req.raw, { maxBytes: MAX_BODY_BYTES }))
  return contextInPath(c.req.param('context') ?? '')
}

const withReasons = (c: Context<AppEnv>) => c.req.query('withReasons') === 'true'

/** `/sdk/evalx/…` and `/msdk/evalx/…`: every flag the key may see, evaluated for the context. */
export const evalx: Handler = async (c) => {
  const { environment, kind } = c.get('apiKey')
  const { context } = await requestContext(c)
  const ruleset = await readRuleset(environment, storeSources(c))
  c.header('Cache-Control', 'private, no-cache')
  const flags = evalxAll(ruleset.compiled, context, kind, { version: ruleset.version, withReasons: withReasons(c) })
  const tally = tallyFor(c.env, c.executionCtx, ruleset)
  if (tally !== undefined) for (const key in flags) tally.countFlag(key, flags[key].variation)
  return c.json(flags)
}

/** Forwards a stream to the environment's writer, which holds every SDK stream (SdkStreams). */
export const openSdkStream = (c: Context<AppEnv>, opening: SdkStreamOpening) =>
  c.env.HUB.getByName(opening.environment).fetch(`https://hub${SDK_STREAM_PATH}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(opening),
  })

/** `/eval/…` and `/meval/…`: the context's flags as a `put`, then a `patch` or `delete` per change. */
export const evalStream: Handler = async (c) => {
  const { environment, kind } = c.get('apiKey')
  const { canonical } = await requestContext(c)
  return openSdkStream(c, { stream: 'eval', environment, kind, context: canonical, withReasons: withReasons(c) })
}

/** `/ping/…` and `/mping`: a `ping` on each change, after which the SDK fetches its flags again. */
export const pingStream: Handler = (c) => openSdkStream(c, { stream: 'ping', environment: c.get('apiKey').environment })

// SDKs may gzip their events; the inflated bytes count against the limit as they stream
const eventsBody = async (request: Request): Promise<unknown> => {
  const encoding = request.headers.get('Content-Encoding')?.trim().toLowerCase()
  if (!encoding || encoding === 'identity') return readJsonBody(request, { maxBytes: MAX_BODY_BYTES })
  if (encoding !== 'gzip' || request.body === null) {
    throw new ApiError(415, 'unsupported_encoding', 'Send events as plain JSON or with Content-Encoding: gzip')
  }
  const inflated = new Request(request.url, {
    method: 'POST',
    headers: { 'Content-Type': request.headers.get('Content-Type') ?? '' },
    body: request.body.pipeThrough(new DecompressionStream('gzip')),
  })
  try {
    return await readJsonBody(inflated, { maxBytes: MAX_BODY_BYTES })
  } catch (error) {
    if (error instanceof ApiError) throw error
    throw new ApiError(400, 'invalid_encoding', 'The body is not valid gzip')
  }
}

/**
 * An events endpoint: the payload is checked and bounded and answered 202. Only the evaluations
 * its summary events count are kept (flag insights); the rest is counted in a log line and dropped.
 */
export const receiveEvents =
  (read: (body: unknown) => EventsReceived): Handler =>
  async (c) => {
    const { environment, kind } = c.get('apiKey')
    const received = read(await eventsBody(c.req.raw))
    const evaluations = Object.values(received.evaluations)
      .flatMap((byVariation) => Object.values(byVariation))
      .reduce((sum, count) => sum + count, 0)
    console.log(JSON.stringify({ event: 'sdk_events', environment, keyKind: kind, events: received.events, kinds: received.kinds, evaluations }))
    if (evaluations > 0) countReported(c.env, c.executionCtx, environment, received.evaluations)
    return c.body(null, 202)
  }
