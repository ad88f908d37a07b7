import { env } from 'cloudflare:workers'
import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { app } from '../../src/app'
import type { Env } from '../../src/env'
import { newEnvironment, putRuleset } from './support/environments'
import { apiKeyRecordKey } from '../../src/store/kv-keys'
import { sha256Hex } from '../../src/store/hash'
import examples from '../../examples/flags.json'
import { publishRuleset } from '../../src/hub/published'
import { cacheRuleset } from '../../src/store/rulesets'

// KV failures are injected by wrapping the real binding: ruleset reads fail once `failing` is
// set (API key reads keep working, so what is tested is the ruleset path).
const wrappedEnv = (refreshMs: string) => {
  const state = { failing: false }
  const kv = new Proxy(env.FLAGS, {
    get(target, property) {
      if (property === 'get') {
        return (...args: Parameters<KVNamespace['get']>) => {
          if (state.failing && String(args[0]).startsWith('env/')) return Promise.reject(new Error('KV is down'))
          return (target.get as (...a: unknown[]) => unknown)(...args)
        }
      }
      return Reflect.get(target, property)
    },
  })
  // counting off: `evaluate` waits on each request's waitUntil, which an insights window's
  // deadline would hold for FLUSH_MS
  return { state, env: { ...env, FLAGS: kv, REFRESH_MS: refreshMs, INSIGHTS: 'off' } as Env }
}

const evaluate = async (bindings: Env, key: string) => {
  const ctx = createExecutionContext()
  const res = await app.fetch(
    new Request('http://edgeflags.test/ofrep/v1/evaluate/flags', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${key}` },
      body: JSON.stringify({ context: { targetingKey: 'u1' } }),
    }),
    bindings,
    ctx,
  )
  await waitOnExecutionContext(ctx)
  return res
}

describe('when KV fails', () => {
  it('a warm isolate keeps serving its last good ruleset', async () => {
    const { keys } = await newEnvironment()
    const { state, env: bindings } = wrappedEnv('0')
    expect((await evaluate(bindings, keys.client)).status).toBe(200)
    state.failing = true
    // REFRESH_MS=0: every request starts a background refresh, and every refresh fails
    for (let i = 0; i < 3; i += 1) {
      const res = await evaluate(bindings, keys.client)
      expect(res.status).toBe(200)
      expect(((await res.json()) as { metadata: { version: number } }).metadata.version).toBe(1)
    }
  })

  it('a warm isolate picks up a newer version once KV answers again', async () => {
    const { keys, environment } = await newEnvironment()
    const { state, env: bindings } = wrappedEnv('0')
    await evaluate(bindings, keys.client)
    state.failing = true
    await evaluate(bindings, keys.client)
    state.failing = false
    await putRuleset(environment, examples, 2)
    await evaluate(bindings, keys.client) // this request's background refresh reads version 2
    const res = await evaluate(bindings, keys.client)
    expect(((await res.json()) as { metadata: { version: number } }).metadata.version).toBe(2)
  })

  it('never moves a warm isolate back to an older version', async () => {
    const { keys, environment } = await newEnvironment(examples, 5)
    const { env: bindings } = wrappedEnv('0')
    await evaluate(bindings, keys.client)
    await putRuleset(environment, examples, 4)
    await evaluate(bindings, keys.client)
    const res = await evaluate(bindings, keys.client)
    expect(((await res.json()) as { metadata: { version: number } }).metadata.version).toBe(5)
  })

  it('a cold isolate serves the colo cache entry without KV', async () => {
    const { keys, environment } = await newEnvironment()
    await cacheRuleset(caches.default, environment, publishRuleset(examples, 3, ''))
    const { state, env: bindings } = wrappedEnv('5000')
    state.failing = true
    const res = await evaluate(bindings, keys.client)
    expect(res.status).toBe(200)
    expect(((await res.json()) as { metadata: { version: number } }).metadata.version).toBe(3)
  })

  it('a cold isolate with nothing to serve answers 503 with Retry-After', async () => {
    const { keys } = await newEnvironment()
    const { state, env: bindings } = wrappedEnv('5000')
    state.failing = true
    const res = await evaluate(bindings, keys.client)
    expect(res.status).toBe(503)
    expect(res.headers.get('Retry-After')).toBe('5')
    expect(await res.json()).toMatchObject({ errorCode: 'GENERAL' })
  })
})

describe('API keys', () => {
  it('stop working within REFRESH_MS of being revoked', async () => {
    const { keys } = await newEnvironment()
    const { env: bindings } = wrappedEnv('0')
    expect((await evaluate(bindings, keys.client)).status).toBe(200)
    await env.FLAGS.delete(apiKeyRecordKey(sha256Hex(keys.client)))
    // REFRESH_MS=0: the next request is served from the isolate and refreshes the key behind it
    await evaluate(bindings, keys.client)
    expect((await evaluate(bindings, keys.client)).status).toBe(401)
  })
})
