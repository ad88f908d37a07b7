import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import darkThemeOn from '../../examples/dark-theme-on.json'
import { launchChromium } from './support/chromium'
import { CLIENT_KEY, freePort, startDemoWorker, type DemoWorker } from './support/demo-worker'
import { SLOW_HEAD, startOrigin, type Origin } from './support/origin-server'

// Zero-flicker pages (issue #15) in a real Chromium: the Worker on 127.0.0.1 proxies an origin
// (a Node server on 127.0.0.1) and serves the demo, both through the rewriter, with dark-theme
// on. Each load records the body's background in its first animation frame and when Chromium
// reports its first paints: with the flags in <head>, none of them may be light.

const LOADS = 20
const DARK = 'rgb(17, 18, 23)'
const FIRST_MS = 400
const REST_MS = 1600

// Runs before any of the page's own scripts. A theme set late would show as a light colour here,
// or as one between light and dark (both pages fade their background over 0.2 s).
// (a string: this file is type-checked without the DOM's types)
const PROBE = `{
  const seen = { frames: [], paints: [] }
  window.probe = seen
  const background = () => (document.body ? getComputedStyle(document.body).backgroundColor : 'no body')
  requestAnimationFrame(() => seen.frames.push(background()))
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) seen.paints.push(entry.name + ' ' + background())
  }).observe({ type: 'paint', buffered: true })
}`

let worker: DemoWorker | undefined
let origin: Origin | undefined
let browser: Browser | undefined
let page: Page
let base: string

beforeAll(async () => {
  origin = await startOrigin(FIRST_MS, REST_MS)
  const port = await freePort()
  worker = await startDemoWorker(port, [darkThemeOn], {
    ORIGIN: origin.url,
    BOOTSTRAP_PATHS: '/page, /slow, /plain.txt',
    BOOTSTRAP_KEY: CLIENT_KEY,
  })
  base = `http://127.0.0.1:${port}`
  browser = await launchChromium()
  page = await (await browser.newContext()).newPage()
  page.setDefaultTimeout(10_000)
  await page.addInitScript({ content: PROBE })
})

afterAll(async () => {
  try {
    await browser?.close()
  } finally {
    await Promise.all([worker?.dispose(), origin?.close()])
  }
})

type Probe = { frames: string[]; paints: string[] }
const probe = () => page.evaluate('window.probe') as Promise<Probe>

/** Loads `path` LOADS times and answers every first frame and first paint seen. */
const firstPaints = async (path: string) => {
  const seen: string[] = []
  for (let load = 0; load < LOADS; load++) {
    await page.goto(`${base}${path}`)
    await expect.poll(async () => (await probe()).paints.some((paint) => paint.startsWith('first-contentful-paint'))).toBe(true)
    const { frames, paints } = await probe()
    seen.push(...frames.map((frame) => `frame ${frame}`), ...paints)
  }
  return seen
}

describe('zero-flicker pages in Chromium', () => {
  it(`paints a proxied origin page dark from its first frame, ${LOADS} loads in a row`, async () => {
    const seen = await firstPaints('/page')
    expect(seen.filter((entry) => entry.startsWith('first-contentful-paint'))).toHaveLength(LOADS)
    // a frame before <body> exists paints nothing of the page, so only the colours count
    expect(seen.filter((entry) => !entry.endsWith(DARK) && !entry.endsWith('no body'))).toEqual([])
  })

  it(`paints the demo dark from its first frame, ${LOADS} loads in a row`, async () => {
    const seen = await firstPaints('/demo')
    expect(seen.filter((entry) => entry.startsWith('first-contentful-paint'))).toHaveLength(LOADS)
    expect(seen.filter((entry) => !entry.endsWith(DARK) && !entry.endsWith('no body'))).toEqual([])
    expect(await page.locator('body').evaluate((body) => body.classList.contains('dark'))).toBe(true)
  })

  it('hands the client its values at construction, and LaunchDarkly’s shape beside them', async () => {
    await page.goto(`${base}/page`)
    await page.waitForFunction("'ldBootstrap' in window")
    const { atConstruction, ldBootstrap } = (await page.evaluate('({ atConstruction, ldBootstrap })')) as Record<string, Record<string, unknown>>
    // every client-side flag, before any request of the client's own could have been answered
    expect(Object.keys(atConstruction).sort()).toEqual(['api-count-field', 'dark-theme', 'disable-registration', 'new-checkout'])
    expect(atConstruction).toMatchObject({ 'dark-theme': true })
    expect(ldBootstrap).toMatchObject({ 'dark-theme': true, $valid: true, $flagsState: { 'dark-theme': { variation: 1 } } })
  })

  it('streams a slow origin’s page: the first bytes come when the origin sends them', async () => {
    const firstChunk = async (url: string) => {
      const started = performance.now()
      // identity: the local workerd gzips text for clients that accept it and holds a slow
      // stream's bytes until it ends, rewriter or not (a plain proxied text/plain does the same)
      const res = await fetch(url, { headers: { 'Accept-Encoding': 'identity' } })
      const reader = res.body!.getReader()
      const { value } = await reader.read()
      const first = performance.now() - started
      let text = new TextDecoder().decode(value)
      for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) text += new TextDecoder().decode(chunk.value)
      return { first, total: performance.now() - started, text }
    }
    const direct = await firstChunk(`${origin!.url}/slow`)
    const proxied = await firstChunk(`${base}/slow`)
    console.log(`slow origin, first chunk: direct ${direct.first.toFixed(0)} ms, through the rewriter ${proxied.first.toFixed(0)} ms (ratio ${(proxied.first / direct.first).toFixed(2)}); whole page ${proxied.total.toFixed(0)} ms`)
    expect(proxied.text.startsWith(SLOW_HEAD)).toBe(true)
    expect(proxied.text).toContain('id="edgeflags-bootstrap"')
    // The first bytes arrive with the origin's, long before its last: streamed, not buffered
    // (REST_MS is four times FIRST_MS, so a buffered page would show a ratio near 5)
    expect(proxied.first / direct.first).toBeLessThan(2)
    expect(proxied.first / proxied.total).toBeLessThan(0.5)
  })

  it('passes non-HTML through untouched', async () => {
    const res = await fetch(`${base}/plain.txt`)
    expect(await res.text()).toBe('plain </head>')
    expect(res.headers.get('Set-Cookie')).toBeNull()
  })
})
