import type { LDClient, LDContext, LDEvaluationDetail, LDFlagSet, LDOptions } from 'launchdarkly-js-client-sdk'
import type { Browser, Page } from 'playwright-core'

/** A flag change as the page's `change:<key>` listener saw it. */
export type SeenChange = { key: string; current: unknown; previous: unknown }

/** A response from the Worker, as Chromium saw it. */
export type SeenResponse = { method: string; path: string; status: number }

// What the harness in ld-page-server.ts keeps on `window.ld`
type Harness = {
  log: string[]
  errors: string[]
  changes: SeenChange[]
  initialized: boolean
  client: LDClient
  atStart?: { initialized: boolean; allFlags: LDFlagSet; apiCountField: unknown }
  start: (context: LDContext, options: LDOptions) => LDClient
  watch: (key: string) => void
}
type InPage = { ld: Harness }

// The functions below run in the page, serialised by Playwright: each reaches the harness
// through `globalThis` and names no helper of this module.
export const ldPage = (page: Page, worker: URL) => {
  const responses: SeenResponse[] = []
  const seen: string[] = []
  page.on('response', (res) => {
    const url = new URL(res.url())
    if (url.origin === worker.origin) responses.push({ method: res.request().method(), path: url.pathname + url.search, status: res.status() })
  })
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') seen.push(`console ${message.type()}: ${message.text()}`)
  })
  page.on('pageerror', (error) => seen.push(`page error: ${error.message}`))
  // a stream the SDK closes on purpose (identify, close) ends as net::ERR_ABORTED; anything else is a fault
  page.on('requestfailed', (req) => {
    const failure = req.failure()?.errorText
    if (failure !== 'net::ERR_ABORTED') seen.push(`request failed: ${req.method()} ${req.url()} ${failure}`)
  })

  return {
    page,
    responses,
    start: (context: LDContext, options: LDOptions = {}) =>
      page.evaluate(([c, o]) => void (globalThis as unknown as InPage).ld.start(c, o), [context, options] as const),
    // the SDK's errors do not survive Playwright's serialisation, so their messages are thrown instead
    waitForInitialization: () =>
      page.evaluate(() =>
        (globalThis as unknown as InPage).ld.client.waitForInitialization(5).catch((error: { message?: string }) => {
          throw new Error(`waitForInitialization: ${error?.message ?? error}`)
        }),
      ),
    variation: (key: string, fallback: unknown = '<default>') =>
      page.evaluate(([k, f]) => (globalThis as unknown as InPage).ld.client.variation(k, f) as unknown, [key, fallback] as const),
    variationDetail: (key: string) =>
      page.evaluate((k) => (globalThis as unknown as InPage).ld.client.variationDetail(k, '<default>') as LDEvaluationDetail, key),
    allFlags: () => page.evaluate(() => (globalThis as unknown as InPage).ld.client.allFlags()),
    identify: (context: LDContext) => page.evaluate((c) => (globalThis as unknown as InPage).ld.client.identify(c), context),
    watch: (key: string) => page.evaluate((k) => (globalThis as unknown as InPage).ld.watch(k), key),
    flush: () => page.evaluate(() => (globalThis as unknown as InPage).ld.client.flush()),
    /** What the harness kept: the SDK's log lines, change events, and the bootstrapped page's first reads. */
    harness: () =>
      page.evaluate(() => {
        const { log, changes, initialized, atStart } = (globalThis as unknown as InPage).ld
        return { log, changes, initialized, atStart }
      }),
    /** Everything that went wrong: SDK warnings and errors, error events, console errors, failed requests. */
    problems: async () => {
      const { log, errors } = await page.evaluate(() => {
        const { log, errors } = (globalThis as unknown as InPage).ld
        return { log, errors }
      })
      return [...seen, ...errors, ...log.filter((line) => /^(warn|error):/.test(line))]
    },
  }
}

export type LdPage = ReturnType<typeof ldPage>

/** A fresh browser context (its own localStorage) with one page open at `url`. */
export const openLdPage = async (browser: Browser, worker: URL, url: URL) => {
  const context = await browser.newContext()
  const page = await context.newPage()
  page.setDefaultTimeout(10_000)
  const ld = ldPage(page, worker)
  await page.goto(String(url))
  return { ...ld, close: () => context.close() }
}
