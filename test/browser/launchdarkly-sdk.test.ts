import type { LDContext } from 'launchdarkly-js-client-sdk'
import type { Browser } from 'playwright-core'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import darkThemeOff from '../../examples/dark-theme-off.json'
import darkThemeOn from '../../examples/dark-theme-on.json'
import examples from '../../examples/flags.json'
import { launchChromium } from './support/chromium'
import { CLIENT_KEY, freePort, startDemoWorker, type DemoWorker } from './support/demo-worker'
import { ofrepAnswers, ofrepContext } from './support/ld-ofrep'
import { openLdPage, type LdPage } from './support/ld-page'
import { startLdPageServer, type LdPageServer } from './support/ld-page-server'
import { startLdServer, type LdServer } from './support/ld-server-sdk'

// LaunchDarkly's own browser SDK (launchdarkly-js-client-sdk, its unmodified UMD bundle) in a
// real Chromium against the Worker: the page comes from another origin, so every call crosses
// real CORS, and the SDK is pointed at the Worker with its documented URL options only. Its
// answers are held to what OFREP answers for the same context. Each test opens a fresh page;
// the Worker, seeded as `npm run dev` seeds it, is shared, and the tests that push put
// dark-theme back as they found it. Every wait is a Playwright timeout or an expect.poll deadline.

/** The example flags a client-side id may see. */
const CLIENT_FLAGS = Object.values(examples.flags)
  .filter((flag) => flag.clientSideAvailability.usingEnvironmentId)
  .map((flag) => flag.key)
  .sort()

let worker: DemoWorker
let server: LdServer | undefined
let pages: LdPageServer | undefined
let browser: Browser | undefined
let ld: (LdPage & { close: () => Promise<void> }) | undefined
/** Lines of the SDK's own that a test expects, which afterEach does not count as problems. */
let expected: string[] = []

const open = async (path = '') => (ld = await openLdPage(browser!, worker.url, new URL(path, pages!.url)))
const answersFor = (context: LDContext) => ofrepAnswers(worker.url, CLIENT_KEY, ofrepContext(context as Record<string, unknown>))
const responsesTo = (page: LdPage, method: string, path: string) =>
  page.responses.filter((res) => res.method === method && res.path.startsWith(path))
const logged = async (page: LdPage, text: string) => (await page.harness()).log.some((line) => line.includes(text))

// the SDK's debug lines (launchdarkly-js-sdk-common messages.js) for a stream's put and patch
const STREAM_PUT = 'received streaming update for all flags'
const streamPatch = (key: string) => `received streaming update for flag "${key}"`

beforeAll(async () => {
  worker = await startDemoWorker(await freePort())
  server = await startLdServer(worker)
  pages = await startLdPageServer({ worker: worker.url, clientSideId: CLIENT_KEY, bootstrap: server.bootstrap })
  browser = await launchChromium()
})

afterAll(async () => {
  try {
    await browser?.close()
    await pages?.close()
    server?.close()
  } finally {
    await worker?.dispose()
  }
})

afterEach(async () => {
  // a test passes only if the SDK, the page and the network reported nothing wrong
  const problems = ld === undefined ? [] : (await ld.problems()).filter((line) => !expected.some((text) => line.includes(text)))
  await ld?.close()
  ld = undefined
  expected = []
  expect(problems).toEqual([])
})

describe("LaunchDarkly's browser SDK against the Worker", () => {
  it('initializes from /sdk/evalx with the values OFREP gives the same context, and only client-side flags', async () => {
    const page = await open()
    const user = { kind: 'user', key: 'user-42' }
    // application and wrapperName add the X-LaunchDarkly-Tags and -Wrapper headers to each request
    await page.start(user, { streaming: false, application: { id: 'shop', version: '1.0.0' }, wrapperName: 'edgeflags-test' })
    await page.waitForInitialization()

    const ofrep = await answersFor(user)
    expect(Object.keys(ofrep.values).sort()).toEqual(CLIENT_FLAGS)
    // a default unlike the flag's value: dark-theme is off, so the SDK must have it to say false
    expect(await page.variation('dark-theme', true)).toBe(false)
    for (const key of CLIENT_FLAGS) expect(await page.variation(key), key).toEqual(ofrep.values[key])
    expect(await page.allFlags()).toEqual(ofrep.values)

    // goals, analytics events and the diagnostic event are all accepted across origins (the SDK
    // also flushes every 2 s by itself, so events may come in more than one request)
    await page.flush()
    const statuses = () =>
      Object.fromEntries(
        ['GET /sdk/evalx/', 'GET /sdk/goals/', 'POST /events/bulk/', 'POST /events/diagnostic/'].map((call) => {
          const [method, path] = call.split(' ')
          return [call, [...new Set(responsesTo(page, method, path + CLIENT_KEY).map((res) => res.status))]]
        }),
      )
    await expect.poll(statuses, { timeout: 5_000 }).toEqual({
      'GET /sdk/evalx/': [200],
      'GET /sdk/goals/': [200],
      'POST /events/bulk/': [202],
      'POST /events/diagnostic/': [202],
    })
  })

  it('reads bootstrap data rendered by the Node server SDK synchronously, before ready, without asking the Worker', async () => {
    const key = 'legacy-client-1'
    // Reads made before initialize has processed the context (a promise away) have no context for
    // their analytics event, so the SDK drops those events and warns once (index.js enqueueEvent)
    expected = ['Be sure to call `identify`']
    const page = await open(`bootstrapped?key=${key}`)
    await page.waitForInitialization()

    const ofrep = await answersFor({ key })
    const { atStart } = await page.harness()
    // api-count-field targets legacy-client-1; without bootstrap data the page would read '<default>'
    expect(atStart).toEqual({ initialized: false, allFlags: ofrep.values, apiCountField: 'total' })
    expect(Object.keys(atStart!.allFlags).sort()).toEqual(CLIENT_FLAGS)
    expect(await page.allFlags()).toEqual(ofrep.values)
    expect(responsesTo(page, 'GET', '/sdk/evalx/')).toEqual([])
    expect(server!.problems).toEqual([])
  })

  it('follows pushes over the /eval stream: variation and change:dark-theme update without a reload', async () => {
    const page = await open()
    const user = { kind: 'user', key: 'user-7' }
    await page.start(user, { streaming: true })
    await page.waitForInitialization()
    await page.watch('dark-theme')
    // the stream's put has arrived, so what follows a push is the stream's doing
    await expect.poll(() => logged(page, STREAM_PUT), { timeout: 10_000 }).toBe(true)
    const loadedAt = await page.page.evaluate(() => performance.timeOrigin)
    expect(await page.variation('dark-theme')).toBe(false)

    await worker.push(darkThemeOn)
    await expect.poll(() => page.variation('dark-theme'), { timeout: 5_000 }).toBe(true)
    expect((await answersFor(user)).values['dark-theme']).toBe(true)
    await worker.push(darkThemeOff)
    await expect.poll(() => page.variation('dark-theme'), { timeout: 5_000 }).toBe(false)

    expect((await page.harness()).changes).toEqual([
      { key: 'dark-theme', current: true, previous: false },
      { key: 'dark-theme', current: false, previous: true },
    ])
    expect(await logged(page, streamPatch('dark-theme'))).toBe(true)
    // one evalx, one stream, the same document: the values came as patches
    expect(responsesTo(page, 'GET', '/sdk/evalx/').length).toBe(1)
    expect(responsesTo(page, 'GET', `/eval/${CLIENT_KEY}/`).map((res) => res.status)).toEqual([200])
    expect(await page.page.evaluate(() => performance.timeOrigin)).toBe(loadedAt)
  })

  it('re-evaluates on identify(), as OFREP does for each context', async () => {
    const page = await open()
    const contexts: LDContext[] = [
      { kind: 'user', key: 'user-42' },
      { kind: 'user', key: 'legacy-client-1' },
      // non-ASCII travels as UTF-8 inside the base64url path segment
      { kind: 'user', key: 'carol', name: 'Carol Zoë 🦊', email: 'carol@edgeflags.dev' },
      { kind: 'multi', user: { key: 'legacy-client-2' }, device: { key: 'tablet-9' } },
    ]
    await page.start(contexts[0], { streaming: false })
    await page.waitForInitialization()

    const seen: Record<string, unknown>[] = []
    for (const [index, context] of contexts.entries()) {
      const ofrep = await answersFor(context)
      if (index > 0) expect(await page.identify(context)).toEqual(ofrep.values)
      expect(await page.allFlags()).toEqual(ofrep.values)
      seen.push(ofrep.values)
    }
    // the contexts differ where it matters: a key target, and the beta-testers segment by email
    expect(seen.map((values) => values['api-count-field'])).toEqual(['count', 'total', 'count', 'total'])
    expect([seen[0]['new-checkout'], seen[2]['new-checkout']]).toEqual([false, true])
    const paths = responsesTo(page, 'GET', `/sdk/evalx/${CLIENT_KEY}/contexts/`).map((res) => res.path)
    expect(new Set(paths).size).toBe(contexts.length)
  })

  it('uses REPORT with reasons, and refetches on each ping when streaming', async () => {
    const page = await open()
    const user = { kind: 'user', key: 'bob' }
    await page.start(user, { useReport: true, evaluationReasons: true, streaming: true })
    await page.waitForInitialization()
    await page.watch('dark-theme')

    const ofrep = await answersFor(user)
    for (const key of CLIENT_FLAGS) {
      const { value, reason } = await page.variationDetail(key)
      expect({ key, value, reason: reason?.kind }).toEqual({ key, value: ofrep.values[key], reason: ofrep.reasons[key] })
    }
    // bob is a beta tester: new-checkout matches a rule, and the rule's id stays private
    expect((await page.variationDetail('new-checkout')).reason).toEqual({ kind: 'RULE_MATCH' })
    const report = `/sdk/evalx/${CLIENT_KEY}/context?withReasons=true`
    expect(responsesTo(page, 'REPORT', report).map((res) => res.status)).toEqual([200])

    // a browser's EventSource cannot send REPORT, so the SDK listens for pings instead
    await expect.poll(() => responsesTo(page, 'GET', `/ping/${CLIENT_KEY}`).map((res) => res.status), { timeout: 10_000 }).toEqual([200])
    await worker.push(darkThemeOn)
    const on = await answersFor(user)
    await expect
      .poll(() => page.variationDetail('dark-theme'), { timeout: 5_000 })
      .toMatchObject({ value: on.values['dark-theme'], reason: { kind: on.reasons['dark-theme'] } })
    expect(on.values['dark-theme']).toBe(true)
    await expect.poll(() => responsesTo(page, 'REPORT', report).length, { timeout: 2_000 }).toBe(2)
    await worker.push(darkThemeOff)
    await expect.poll(() => page.variation('dark-theme'), { timeout: 5_000 }).toBe(false)
    expect((await page.harness()).changes.map(({ current }) => current)).toEqual([true, false])
  })
})
