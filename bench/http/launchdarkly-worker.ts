import { init, type LDClient } from '@launchdarkly/cloudflare-server-sdk'

/**
 * The peer: LaunchDarkly's own Cloudflare SDK in a Worker, reading `LD-Env-{id}` from its KV
 * binding. It answers an OFREP bulk body with `allFlagsState(context).toJSON()`, the SDK's way to
 * evaluate every flag at once. Bundled by bench/http/launchdarkly.ts and served by Miniflare.
 */

type Env = { LD_KV: KVNamespace; LD_CLIENT_SIDE_ID: string }

// Once per isolate, the most favourable setup for LaunchDarkly: the SDK's README initialises
// the client inside `fetch`, on every request.
let client: LDClient | undefined

// Warnings and errors only: the SDK's default logger also prints info lines into the run's output.
const quiet = () => undefined
const logger = { error: console.error, warn: console.warn, info: quiet, debug: quiet }

const ready = async (env: Env): Promise<LDClient> => {
  client ??= init(env.LD_CLIENT_SIDE_ID, env.LD_KV, { logger })
  await client.waitForInitialization({ timeout: 5 })
  return client
}

export default {
  async fetch(request, env) {
    const body = (await request.json().catch(() => ({}))) as { context?: Record<string, unknown> }
    // OFREP's context as LaunchDarkly's: targetingKey is the key, and a user unless it names a kind
    const { targetingKey, ...attributes } = body.context ?? {}
    const context = { kind: 'user', ...attributes, key: String(targetingKey ?? '') }
    const state = await (await ready(env)).allFlagsState(context)
    if (!state.valid) return new Response('allFlagsState was not valid', { status: 500 })
    return new Response(JSON.stringify(state.toJSON()), { headers: { 'content-type': 'application/json' } })
  },
} satisfies ExportedHandler<Env>
