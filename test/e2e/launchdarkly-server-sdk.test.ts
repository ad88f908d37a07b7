import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { LDClient } from '@launchdarkly/node-server-sdk'
import examples from '../../examples/flags.json'
import { eventually } from './support/seeded-worker'
import { makeLdContexts, toOfrepContext, userKey, type LdContext } from './support/ld-contexts'
import { startRecordingProxy } from './support/ld-recording-proxy'
import { inPool, ofrepBulk, sideBySide } from './support/ld-ofrep'
import { makeRuleset } from './support/ld-ruleset'
import { nextUpdate, startSdk, type Sdk } from './support/ld-sdk'
import { startLdWorker, type LdWorker } from './support/ld-worker'

// LaunchDarkly's Node server SDK from npm, unmodified, against a real local Worker: it takes the
// whole ruleset (stream `/all` or poll `/sdk/latest-all`), evaluates it itself, and must agree
// with edgeflags' own evaluator as OFREP serves it. Changes go through the signed webhook.

const ruleset = makeRuleset()
const flagKeys = Object.keys(ruleset.flags)
const contexts = makeLdContexts(1000)
const FALLBACK = '<default>'
// 1,000 OFREP requests take about 6 s on an idle 2-core machine, several times that on a busy one
const COMPARE_TIMEOUT_MS = 60_000
let worker: LdWorker

beforeAll(async () => {
  worker = await startLdWorker(ruleset)
})

afterAll(async () => {
  await worker?.dispose()
})

// Rules that name a segment, so the comparison can show segments took part
const segmentRules = new Set(
  Object.values(ruleset.flags as Record<string, { rules?: { id?: string; clauses?: { op: string }[] }[] }>).flatMap((flag) =>
    (flag.rules ?? []).filter((rule) => rule.clauses?.some((clause) => clause.op === 'segmentMatch')).map((rule) => rule.id),
  ),
)

/**
 * Every flag for every context on both sides: the first few disagreements and their count, and
 * what the SDK's answers covered (reason kinds, and rules with a segment that matched).
 */
const disagreements = async (client: LDClient, people: LdContext[]) => {
  const wrong: unknown[] = []
  const kinds = new Set<string>()
  const segmentRulesMatched = new Set<string>()
  let compared = 0
  await inPool(people, 8, async (context, i) => {
    const ofrep = await ofrepBulk(worker.url, toOfrepContext(context))
    for (const key of flagKeys) {
      const detail = await client.variationDetail(key, context, FALLBACK)
      const both = sideBySide(detail, ofrep.get(key), FALLBACK)
      compared += 1
      if (JSON.stringify(both.sdk) !== JSON.stringify(both.ofrep)) wrong.push({ key, context, ...both })
      kinds.add(detail.reason.inExperiment ? `${detail.reason.kind} in experiment` : detail.reason.kind)
      if (segmentRules.has(detail.reason.ruleId)) segmentRulesMatched.add(detail.reason.ruleId!)
      // variation() is variationDetail() without the detail; check it agrees on a sample
      if (i % 10 === 0) expect(await client.variation(key, context, FALLBACK)).toEqual(detail.value)
    }
  })
  return { wrong: wrong.slice(0, 5), count: wrong.length, compared, kinds, segmentRulesMatched }
}

describe('streaming (the default)', () => {
  let sdk: Sdk

  beforeAll(async () => {
    sdk = await startSdk(worker.url)
  })

  afterAll(() => sdk?.client.close())

  it('initialises from the put on /all', () => {
    expect(sdk.client.initialized()).toBe(true)
    expect(sdk.problems()).toEqual([])
  })

  it('evaluates every flag for 1,000 contexts as OFREP does: value, variation index and reason', async () => {
    const { wrong, count, compared, kinds, segmentRulesMatched } = await disagreements(sdk.client, contexts)
    expect(compared).toBe(contexts.length * flagKeys.length)
    expect({ count, wrong }).toEqual({ count: 0, wrong: [] })
    // the data exercised every path of the evaluator, segments included
    const paths = ['OFF', 'TARGET_MATCH', 'RULE_MATCH', 'FALLTHROUGH', 'PREREQUISITE_FAILED', 'RULE_MATCH in experiment', 'FALLTHROUGH in experiment']
    expect([...kinds].sort()).toEqual(paths.sort())
    expect(segmentRulesMatched.size).toBeGreaterThanOrEqual(3)
  }, COMPARE_TIMEOUT_MS)
})

describe('changes through the webhook', () => {
  let sdk: Sdk
  const alice = { kind: 'user', key: 'alice' }

  beforeAll(async () => {
    sdk = await startSdk(worker.url)
  })

  afterAll(() => sdk?.client.close())

  const patchFlags = (flags: Record<string, unknown>) => worker.push({ op: 'patch', flags })

  it('raises update events and serves the new value', async () => {
    expect(await sdk.client.variation('dark-theme', alice, 'unset')).toBe(false)
    const updates: string[] = []
    sdk.client.on('update', ({ key }: { key: string }) => updates.push(key))
    const updated = nextUpdate(sdk.client, 'dark-theme')
    await patchFlags({ 'dark-theme': { ...examples.flags['dark-theme'], version: 2, on: true } })
    await updated
    expect(updates).toContain('dark-theme')
    expect(await sdk.client.variation('dark-theme', alice, 'unset')).toBe(true)
  })

  it('takes a change sent without a new version (the Hub raises it)', async () => {
    const legacy = { kind: 'user', key: 'legacy-client-3' }
    expect(await sdk.client.variation('api-count-field', legacy, 'unset')).toBe('count')
    const flag = examples.flags['api-count-field']
    const updated = nextUpdate(sdk.client, 'api-count-field')
    await patchFlags({ 'api-count-field': { ...flag, targets: [{ values: ['legacy-client-3'], variation: 1 }] } })
    await updated
    expect(await sdk.client.variation('api-count-field', legacy, 'unset')).toBe('total')
    const state = (await sdk.client.allFlagsState(legacy)).toJSON() as { $flagsState: Record<string, { version: number }> }
    expect(state.$flagsState['api-count-field'].version).toBeGreaterThan(flag.version)
  })

  it('serves the default for a deleted flag', async () => {
    const updated = nextUpdate(sdk.client, 'disable-registration')
    await patchFlags({ 'disable-registration': null })
    await updated
    expect(await sdk.client.variation('disable-registration', alice, 'unset')).toBe('unset')
    const detail = await sdk.client.variationDetail('disable-registration', alice, 'unset')
    expect(detail.reason).toMatchObject({ kind: 'ERROR', errorKind: 'FLAG_NOT_FOUND' })
  })

  // The SDK keeps a deleted flag as a tombstone and takes only a higher version, so the Hub gives
  // a flag that comes back one above its deletion (src/hub/writer.ts); at the same version the
  // SDK would raise `update` yet keep serving the default.
  it('serves a flag deleted and then created again', async () => {
    const flag = examples.flags['ip-blocklist']
    const context = { kind: 'user', key: 'svc' }
    const deleted = nextUpdate(sdk.client, 'ip-blocklist')
    await patchFlags({ 'ip-blocklist': null })
    await deleted
    expect(await sdk.client.variation('ip-blocklist', context, 'unset')).toBe('unset')
    const created = nextUpdate(sdk.client, 'ip-blocklist')
    await patchFlags({ 'ip-blocklist': flag })
    await created
    expect(await sdk.client.variation('ip-blocklist', context, 'unset')).toEqual(flag.variations[1])
  })

  it('re-evaluates a flag when a segment it uses changes', async () => {
    // a user the 20% rollout of new-checkout leaves out, who then joins beta-testers
    let key: string | undefined
    for (const candidate of Array.from({ length: 100 }, (_, n) => userKey(n))) {
      if ((await sdk.client.variation('new-checkout', { kind: 'user', key: candidate }, 'unset')) === false) {
        key = candidate
        break
      }
    }
    expect(key).toBeDefined()
    const segment = examples.segments['beta-testers']
    const updated = nextUpdate(sdk.client, 'new-checkout')
    await worker.push({ op: 'patch', segments: { 'beta-testers': { ...segment, included: [...segment.included, key] } } })
    await updated
    const detail = await sdk.client.variationDetail('new-checkout', { kind: 'user', key: key! }, 'unset')
    expect(detail).toMatchObject({ value: true, variationIndex: 1, reason: { kind: 'RULE_MATCH', ruleId: 'beta-testers-first' } })
  })

  it('logged no warnings or errors', () => {
    expect(sdk.problems()).toEqual([])
  })
})

describe('polling (stream: false)', () => {
  it('initialises from /sdk/latest-all and evaluates as OFREP does', async () => {
    // both read KV, which trails the Hub: wait until it has every change pushed above
    const { version } = await worker.push({ op: 'patch', flags: { 'dark-theme': { ...examples.flags['dark-theme'], on: false } } })
    await worker.servesVersion(version)
    const proxy = await startRecordingProxy(worker.url)
    const sdk = await startSdk(worker.url, { stream: false, baseUri: proxy.url })
    try {
      expect(proxy.exchanges.map(({ method, path, status }) => ({ method, path, status }))).toEqual([
        { method: 'GET', path: '/sdk/latest-all', status: 200 },
      ])
      const { wrong, count } = await disagreements(sdk.client, contexts.slice(0, 200))
      expect({ count, wrong }).toEqual({ count: 0, wrong: [] })
      expect(await sdk.client.variation('dark-theme', { kind: 'user', key: 'alice' }, 'unset')).toBe(false)
      expect(sdk.problems()).toEqual([])
    } finally {
      sdk.client.close()
      await proxy.close()
    }
  }, COMPARE_TIMEOUT_MS)
})

describe('events', () => {
  it('posts analytics and diagnostic events, which the Worker accepts with 202', async () => {
    const proxy = await startRecordingProxy(worker.url)
    const sdk = await startSdk(worker.url, { eventsUri: proxy.url, sendEvents: true, diagnosticOptOut: false, flushInterval: 0.2 })
    try {
      for (const key of ['new-checkout', 'dark-theme', 'tasks-batch-size']) {
        await sdk.client.variation(key, contexts[0], FALLBACK)
      }
      sdk.client.track('checkout-completed', contexts[0], { total: 12 })
      await sdk.client.flush()
      const posted = (path: string) => proxy.exchanges.filter((exchange) => exchange.path === path)
      await eventually(() => posted('/bulk').length > 0 && posted('/diagnostic').length > 0, 'the SDK posting /bulk and /diagnostic')
      for (const exchange of proxy.exchanges) expect(exchange).toMatchObject({ method: 'POST', status: 202 })
      // what was accepted held the evaluations and the custom event
      const kinds = posted('/bulk').flatMap(({ request }) => (JSON.parse(request) as { kind: string }[]).map((event) => event.kind))
      expect(kinds).toEqual(expect.arrayContaining(['index', 'summary', 'custom']))
      expect(JSON.parse(posted('/diagnostic')[0].request)).toMatchObject({ kind: 'diagnostic-init' })
      expect(sdk.problems()).toEqual([])
    } finally {
      sdk.client.close()
      await proxy.close()
    }
  })
})
