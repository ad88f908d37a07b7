import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import examples from '../../examples/flags.json'
import { renderedAnswers } from '../../src/routes/ofrep-bulk'
import { rulesetCacheUrl, rulesetKey } from '../../src/store/kv-keys'
import { forgetRulesets } from '../../src/store/rulesets'
import { newEnvironment, putRuleset } from './support/environments'
import { byKey, ofrepPost, type OfrepBulk } from './support/requests'

// The edge trusts what the Hub published (DESIGN.md section 11): a format it knows is served as
// is, any other is a clear 503. Rendered answers are reused for a context seen before.

describe('the published ruleset format', () => {
  it.each([
    ['a newer format', { format: 99, version: 5, updatedAt: '', flags: {}, segments: {} }],
    ['no format at all (written before formats existed)', { version: 5, updatedAt: '', flags: examples.flags, segments: {} }],
  ])('answers 503 with a clear message for %s', async (_, record) => {
    const { environment, keys } = await newEnvironment(null)
    await env.FLAGS.put(rulesetKey(environment), JSON.stringify(record))
    const res = await ofrepPost('', keys.server, { context: { targetingKey: 'u1' } })
    expect(res.status).toBe(503)
    expect(res.headers.get('Retry-After')).toBe('5')
    const body = (await res.json()) as { errorCode: string; errorDetails: string }
    expect(body.errorCode).toBe('GENERAL')
    expect(body.errorDetails).toMatch(/format .*this Worker reads format 1/)
  })
})

describe('rendered answers for repeated contexts', () => {
  const context = { targetingKey: 'user-42', plan: 'enterprise', country: 'DE' }

  it('keeps the rendering of a context seen twice, and answers it byte for byte the same', async () => {
    const { keys } = await newEnvironment()
    const start = renderedAnswers.size
    const first = await ofrepPost('', keys.server, { context })
    // a context seen once is not stored: one-off visitors must not push out repeated ones
    expect(renderedAnswers.size).toBe(start)
    const second = await ofrepPost('', keys.server, { context: { country: 'DE', plan: 'enterprise', targetingKey: 'user-42' } })
    expect(renderedAnswers.size).toBe(start + 1)
    const third = await ofrepPost('', keys.server, { context })
    expect(renderedAnswers.size).toBe(start + 1)
    const body = await first.text()
    expect(await second.text()).toBe(body)
    expect(await third.text()).toBe(body)
  })

  it('renders apart for each key kind, which see different flags', async () => {
    const { keys } = await newEnvironment()
    const server = byKey((await (await ofrepPost('', keys.server, { context })).json()) as OfrepBulk)
    const client = byKey((await (await ofrepPost('', keys.client, { context })).json()) as OfrepBulk)
    expect(server['backend-log-level']).toBeDefined()
    expect(client['backend-log-level']).toBeUndefined()
  })

  it('never serves a rendering of an older ruleset', async () => {
    const { environment, keys } = await newEnvironment()
    // asked twice, so the rendering is kept
    await ofrepPost('', keys.server, { context })
    const before = byKey((await (await ofrepPost('', keys.server, { context })).json()) as OfrepBulk)
    expect(before['dark-theme'].value).toBe(false)
    const dark = structuredClone(examples)
    dark.flags['dark-theme'].on = true
    // the same version number again: only the load itself tells the two rulesets apart
    await putRuleset(environment, dark, 1)
    await caches.default.delete(rulesetCacheUrl(environment))
    forgetRulesets()
    const after = byKey((await (await ofrepPost('', keys.server, { context })).json()) as OfrepBulk)
    expect(after['dark-theme'].value).toBe(true)
  })
})
