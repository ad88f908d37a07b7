import { Hono } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import type { AppEnv } from '../app-env'
import { ApiError } from '../errors'
import { parseWebhook } from '../model/webhook'
import type { Hub } from '../hub/hub'
import { shardCount } from '../hub/shards'
import { adoptEverywhereHere } from '../store/rulesets'
import { parseSecrets, verifySignature } from '../webhook/signature'

/** The signed admin webhook (DESIGN.md section 5), mounted at /admin/v1/webhook. */
export const webhook = new Hono<AppEnv>()

const MAX_BYTES = 5 * 1024 * 1024
const JSON_TYPE = /^application\/(.+\+)?json\s*(;|$)/i

const readJson = (bytes: ArrayBuffer) => {
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes)) as unknown
  } catch (error) {
    throw new ApiError(400, 'parse_error', `The body is not valid JSON: ${(error as Error).message}`)
  }
}

webhook.post(
  '/',
  bodyLimit({
    maxSize: MAX_BYTES,
    onError: () => {
      throw new ApiError(413, 'payload_too_large', `The body exceeds ${MAX_BYTES} bytes`)
    },
  }),
  async (c) => {
    const secrets = parseSecrets(c.env.WEBHOOK_SECRET)
    if (secrets.length === 0) throw new ApiError(503, 'not_configured', 'The webhook is off: set the WEBHOOK_SECRET secret')
    const bytes = await c.req.arrayBuffer()
    if (bytes.byteLength > MAX_BYTES) throw new ApiError(413, 'payload_too_large', `The body exceeds ${MAX_BYTES} bytes`)
    // the signature covers the exact bytes received, so it is checked before anything reads them
    const verdict = await verifySignature({
      header: c.req.header('X-Edgeflags-Signature'),
      body: bytes,
      secrets,
      now: Date.now() / 1000,
    })
    if (!verdict.ok) throw new ApiError(401, `signature_${verdict.reason}`, verdict.message)
    if (!JSON_TYPE.test(c.req.header('Content-Type') ?? '')) {
      throw new ApiError(415, 'unsupported_media_type', 'Send the body as Content-Type: application/json')
    }
    const parsed = parseWebhook(readJson(bytes))
    if (!parsed.ok) throw new ApiError(400, 'invalid_change', 'The change is invalid', parsed.errors)
    const { environment } = parsed.change
    parsed.change.actor ??= `webhook secret ${verdict.secretIndex + 1}`
    // Typed here rather than through the stub: RPC's serialisation types recurse without end on
    // JSON values
    const hub = c.env.HUB.getByName(environment) as unknown as { applyChange: Hub['applyChange'] }
    const result = await hub.applyChange(parsed.change, { shards: shardCount(c.env.HUB_SHARDS) })
    if (result.rejection !== undefined || result.response === undefined) {
      const { status, code, message, details } = result.rejection ?? { status: 500 as const, code: 'internal', message: 'The Hub gave no answer', details: [] }
      throw new ApiError(status, code, message, details)
    }
    // This isolate and this colo serve the new version from the next request on; elsewhere KV
    // and the Cache API catch up (README, "Freshness").
    if (result.ruleset !== undefined) adoptEverywhereHere(environment, result.ruleset, c.executionCtx)
    const purge = c.env.CF_API_TOKEN && c.env.CF_ZONE_ID ? 'with the next KV write' : 'not configured'
    const purged = result.ruleset === undefined ? [] : ['isolate', 'colo cache']
    return c.json({ ...result.response, purged, globalPurge: purge })
  },
)
