import { describe, expect, it } from 'vitest'
import { newEnvironment, putRuleset } from './support/environments'
import { ofrepPost } from './support/requests'
import examples from '../../examples/flags.json'
import { publishRuleset } from '../../src/hub/published'
import { cacheRuleset, forgetRulesets } from '../../src/store/rulesets'

const context = { targetingKey: 'u1', plan: 'free' }

describe('bulk ETag', () => {
  it('answers 304 with the same ETag for the same context and rules', async () => {
    const { keys } = await newEnvironment()
    const first = await ofrepPost('', keys.client, { context })
    const etag = first.headers.get('ETag')!
    expect(etag).toMatch(/^"1-client-[0-9a-f]{15}"$/)
    const again = await ofrepPost('', keys.client, { context: { plan: 'free', targetingKey: 'u1' } }, { 'If-None-Match': etag })
    expect(again.status).toBe(304)
    expect(again.headers.get('ETag')).toBe(etag)
    expect(await again.text()).toBe('')
  })

  it('does not answer 304 when an attribute changes under the same targetingKey', async () => {
    const { keys } = await newEnvironment()
    const etag = (await ofrepPost('', keys.server, { context })).headers.get('ETag')!
    const changed = await ofrepPost('', keys.server, { context: { ...context, plan: 'enterprise' } }, { 'If-None-Match': etag })
    expect(changed.status).toBe(200)
    expect(changed.headers.get('ETag')).not.toBe(etag)
  })

  it('does not answer 304 once the ruleset version changes', async () => {
    const { keys, environment } = await newEnvironment()
    const etag = (await ofrepPost('', keys.client, { context })).headers.get('ETag')!
    // as the Hub does on a change: KV and the colo's cache entry get the new version
    await putRuleset(environment, examples, 2)
    await cacheRuleset(caches.default, environment, publishRuleset(examples, 2, ''))
    forgetRulesets()
    const res = await ofrepPost('', keys.client, { context }, { 'If-None-Match': etag })
    expect(res.status).toBe(200)
    expect(res.headers.get('ETag')).toMatch(/^"2-client-/)
  })

  it('gives each key kind its own ETag, since each sees other flags', async () => {
    const { keys } = await newEnvironment()
    const client = (await ofrepPost('', keys.client, { context })).headers.get('ETag')!
    const res = await ofrepPost('', keys.mobile, { context }, { 'If-None-Match': client })
    expect(res.status).toBe(200)
  })

  it('matches a weak or listed If-None-Match', async () => {
    const { keys } = await newEnvironment()
    const etag = (await ofrepPost('', keys.client, { context })).headers.get('ETag')!
    const res = await ofrepPost('', keys.client, { context }, { 'If-None-Match': `"other", W/${etag}` })
    expect(res.status).toBe(304)
  })
})
