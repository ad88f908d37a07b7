import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { CLIENT_KEY, freePort, startDemoWorker } from '../test/browser/support/demo-worker'

/**
 * `npm run bench:bootstrap`: what the zero-flicker rewriter (src/routes/bootstrap.ts) costs over
 * a plain proxy, in the same local workerd and the same run. One Worker proxies one origin (a
 * Node server on 127.0.0.1) whose page is the same bytes under two types: `text/html`, which is
 * evaluated for the visitor and rewritten, and `text/plain`, which the same proxy passes through
 * untouched (the baseline). The origin itself is timed too. Requests alternate (ABC, CBA, ...)
 * so a drift in the machine's speed hits all alike. BENCH_BOOTSTRAP_REQUESTS (default 400) sets
 * the count per target. Progress goes to stderr, the report (Markdown) to stdout.
 */

const REQUESTS = Number(process.env.BENCH_BOOTSTRAP_REQUESTS || 400)
const WARMUP = 50
const log = (line: string) => void process.stderr.write(`${line}\n`)

// A page of ~30 KB, the size of a plain server-rendered page's HTML
const PAGE = `<!doctype html><html><head><meta charset="utf-8"><title>bench</title>
<style>${'body { margin: 0 } '.repeat(100)}</style></head><body>
${'<section><h2>Item</h2><p>Some text of a page, with <a href="/x">a link</a>.</p></section>\n'.repeat(300)}</body></html>`

const startOrigin = () =>
  new Promise<{ url: string; close: () => void }>((resolve) => {
    const server = createServer((req, res) => {
      const type = req.url === '/page.txt' ? 'text/plain' : 'text/html; charset=utf-8'
      res.writeHead(200, { 'Content-Type': type }).end(PAGE)
    })
    server.listen(0, '127.0.0.1', () =>
      resolve({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => server.close() }),
    )
  })

// identity: the local workerd would otherwise gzip the answers, which costs more than the rewriter
const timeOne = async (url: string) => {
  const started = performance.now()
  const res = await fetch(url, { headers: { 'Accept-Encoding': 'identity', Cookie: 'ef_key=bench-visitor-1' } })
  await res.arrayBuffer()
  if (res.status !== 200) throw new Error(`${url}: HTTP ${res.status}`)
  return performance.now() - started
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]

const main = async () => {
  const origin = await startOrigin()
  const worker = await startDemoWorker(await freePort(), [], {
    ORIGIN: origin.url,
    BOOTSTRAP_PATHS: '/page, /page.txt',
    BOOTSTRAP_KEY: CLIENT_KEY,
  })
  try {
    const targets = [
      { name: 'origin (direct)', url: `${origin.url}/page`, times: [] as number[] },
      { name: 'Worker, plain proxy', url: `${worker.url}page.txt`, times: [] as number[] },
      { name: 'Worker, proxy + bootstrap rewriter', url: `${worker.url}page`, times: [] as number[] },
    ]
    const body = await (await fetch(targets[2].url, { headers: { 'Accept-Encoding': 'identity' } })).text()
    if (!body.includes('id="edgeflags-bootstrap"')) throw new Error('the page was not bootstrapped')
    for (let i = 0; i < WARMUP; i++) for (const target of targets) await timeOne(target.url)
    for (let i = 0; i < REQUESTS; i++) {
      const order = i % 2 === 0 ? targets : [...targets].reverse()
      for (const target of order) target.times.push(await timeOne(target.url))
      if ((i + 1) % 100 === 0) log(`${i + 1}/${REQUESTS}`)
    }
    const baseline = [...targets[1].times].sort((a, b) => a - b)
    console.log(`Page of ${(PAGE.length / 1024).toFixed(1)} KiB, ${REQUESTS} sequential requests per target (identity encoding), local workerd:\n`)
    console.log('| target | median ms | p95 ms | median vs plain proxy |')
    console.log('|---|---:|---:|---:|')
    for (const target of targets) {
      const sorted = [...target.times].sort((a, b) => a - b)
      const ratio = percentile(sorted, 0.5) / percentile(baseline, 0.5)
      console.log(`| ${target.name} | ${percentile(sorted, 0.5).toFixed(2)} | ${percentile(sorted, 0.95).toFixed(2)} | ${ratio.toFixed(2)}× |`)
    }
  } finally {
    await worker.dispose()
    origin.close()
  }
}

await main()
