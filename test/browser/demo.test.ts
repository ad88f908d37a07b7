import { mkdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import darkThemeOff from '../../examples/dark-theme-off.json'
import darkThemeOn from '../../examples/dark-theme-on.json'
import { launchChromium, pauseScripts, watchSockets } from './support/chromium'
import { freePort, startDemoWorker, type DemoWorker } from './support/demo-worker'

// The demo shop in a real Chromium against the Worker on 127.0.0.1: it renders the example flags,
// follows a push without reloading, re-evaluates on identify, keeps its values while the Worker
// is down, and reconnects on its own once it is back. The steps share one page and run in order.
// Every wait is a Playwright timeout or an expect.poll deadline.

const RESULTS = new URL('../../test-results/', import.meta.url)
const CLIENT_FLAGS = ['api-count-field', 'dark-theme', 'disable-registration', 'new-checkout']

let port: number
let worker: DemoWorker | undefined
let browser: Browser | undefined
let page: Page
let sockets: ReturnType<typeof watchSockets>

// animations off: the page fades between themes in 0.2 s, and the picture should show where it ends
const screenshot = (name: string) =>
  page.screenshot({
    path: fileURLToPath(new URL(name, RESULTS)),
    fullPage: true,
    animations: 'disabled',
    timeout: 10_000,
  })
const isDark = () => page.locator('body').evaluate((body) => body.classList.contains('dark'))
const statusText = () => page.locator('#status').textContent()
const cell = (flag: string) => page.locator(`tr[data-flag="${flag}"] td:nth-child(2)`)
const allFlags = () => page.evaluate('window.edgeflags.allFlags()')

beforeAll(async () => {
  mkdirSync(RESULTS, { recursive: true })
  port = await freePort()
  worker = await startDemoWorker(port)
  browser = await launchChromium()
  page = await (await browser.newContext()).newPage()
  page.setDefaultTimeout(10_000)
  sockets = watchSockets(page)
})

afterAll(async () => {
  try {
    await browser?.close()
  } finally {
    await worker?.dispose()
  }
})

describe('the demo page at /demo', () => {
  it('loads light, lists only the client-side flags, and goes live', async () => {
    await page.goto(`http://127.0.0.1:${port}/demo`)
    await expect.poll(statusText, { timeout: 10_000 }).toBe('live')
    // live means the stream has delivered its put, not only the first OFREP answer
    await expect.poll(() => sockets.puts, { timeout: 10_000 }).toBe(1)
    expect(await isDark()).toBe(false)
    expect(await page.locator('#flags tr td:first-child').allTextContents()).toEqual(CLIENT_FLAGS)
    expect(await cell('dark-theme').textContent()).toBe('false')
  })

  it('turns dark within 2 s of a push, without reloading', async () => {
    const sentAt = Date.now()
    const result = await worker!.push(darkThemeOn)
    await page.waitForSelector('body.dark', { state: 'attached', timeout: 2_000 })
    console.log(`push → dark class: ${Date.now() - sentAt} ms`)
    const version = (result.body as { version: number }).version
    expect(await page.locator('#last-change').textContent()).toMatch(
      new RegExp(`^Version ${version}: dark-theme changed, \\d+ ms after the push\\.$`),
    )
    await screenshot('demo.png')
  })

  it('shows the targeted value after identifying as legacy-client-1', async () => {
    // a random visitor gets the fallthrough; api-count-field targets legacy-client-1 by key
    expect(await allFlags()).toMatchObject({ 'api-count-field': 'count' })
    await page.fill('#user', 'legacy-client-1')
    await page.click('#identify button')
    await expect.poll(allFlags, { timeout: 5_000 }).toMatchObject({ 'api-count-field': 'total' })
    await expect.poll(() => cell('api-count-field').textContent(), { timeout: 2_000 }).toBe('"total"')
  })

  it('keeps its values and says offline when the Worker stops', async () => {
    const table = await page.locator('#flags').innerText()
    await worker!.dispose()
    worker = undefined
    const stoppedAt = Date.now()
    // the first reconnect fails, and the OFREP poll that follows it at once fails too
    await expect
      .poll(() => page.locator('#status').getAttribute('class'), { timeout: 15_000 })
      .toContain('offline')
    console.log(`Worker stopped → offline: ${Date.now() - stoppedAt} ms`)
    expect(await statusText()).toBe('offline: showing last known values')
    expect(await isDark()).toBe(true)
    expect(await page.locator('#flags').innerText()).toBe(table)
  })

  it('reconnects by itself once the Worker is back, and follows pushes again', { timeout: 60_000 }, async () => {
    const before = await allFlags()
    const puts = sockets.puts
    // A client that reached the new Worker before it knows the key would be refused (4401) and,
    // by design, stop retrying until identify. So the page's scripts wait, as in a frozen tab,
    // while the Worker starts on the same port and is seeded; attempts already under way finish
    // (against nothing listening) first.
    const resume = await pauseScripts(page)
    await expect.poll(() => sockets.open, { timeout: 10_000 }).toBe(0)
    worker = await startDemoWorker(port, [darkThemeOn])
    await resume()
    const resumedAt = Date.now()

    // backoff is capped at 30 s with full jitter, so the next attempt comes within 30 s
    await expect.poll(statusText, { timeout: 40_000, interval: 100 }).toBe('live')
    console.log(`page resumed → live again: ${Date.now() - resumedAt} ms`)
    expect(sockets.puts).toBe(puts + 1)
    expect(await allFlags()).toEqual(before)
    expect(before).toMatchObject({ 'dark-theme': true, 'api-count-field': 'total' })
    expect(await isDark()).toBe(true)

    await worker.push(darkThemeOff)
    await page.waitForSelector('body:not(.dark)', { state: 'attached', timeout: 2_000 })
    await screenshot('demo-end.png')
  })
})
