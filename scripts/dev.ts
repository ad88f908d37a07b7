import { spawn } from 'node:child_process'
import { copyFileSync, existsSync } from 'node:fs'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { DEV_KEYS } from './dev-credentials'
import { freePort, startProxy } from './dev-proxy'
import { seed, waitForHealth } from './seed'
import { ROOT, WRANGLER, wranglerEnv } from './wrangler'

// `npm run dev`: local secrets, wrangler dev on an internal port, the development environment
// loaded through the webhook and admin API (scripts/seed.ts), and only then 127.0.0.1:8787 (or
// PORT), a proxy to wrangler dev. So no request there comes before the dev keys exist: such a
// request would be a 401, and the isolate would remember the key as unknown for REFRESH_MS.
// Extra arguments go to wrangler dev (for example --persist-to <folder>).
const vars = join(ROOT, '.dev.vars')
if (!existsSync(vars)) {
  copyFileSync(join(ROOT, '.dev.vars.example'), vars)
  console.log('created .dev.vars from .dev.vars.example')
}

const log = (line: string) => console.log(`[edgeflags] ${line}`)
const fail = (message: string) => {
  console.error(`[edgeflags] ${message}`)
  process.exit(1)
}

const port = Number(process.env.PORT ?? 8787)
const url = `http://127.0.0.1:${port}`
// fail now rather than after wrangler has started and the environment is loaded
await freePort(port).catch(() => fail(`${url} is in use (another npm run dev?): stop it, or set PORT`))
const internal = await freePort()
const internalUrl = `http://127.0.0.1:${internal}`

// DEMO:on serves the live demo page at /demo (README, "Watch it live")
const args = ['dev', '--ip', '127.0.0.1', '--port', String(internal), '--var', 'DEMO:on', ...process.argv.slice(2)]
const dev = spawn(WRANGLER, args, { cwd: ROOT, env: wranglerEnv, stdio: ['inherit', 'pipe', 'inherit'] })
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => dev.kill(signal))
dev.on('exit', (code) => process.exit(code ?? 0))
// wrangler's "Ready on" names the internal port, which is not ready for use yet
const loading = `[edgeflags] wrangler dev is up; loading "development" before opening ${url}`
createInterface({ input: dev.stdout }).on('line', (line) =>
  console.log(line.includes(`Ready on ${internalUrl}`) ? loading : line),
)

/** Waits until OFREP answers the dev client key: the README's first request then works. */
const waitForDevKey = async (ms = 30_000) => {
  const deadline = Date.now() + ms
  for (;;) {
    const res = await fetch(new URL('/ofrep/v1/evaluate/flags', internalUrl), {
      method: 'POST',
      headers: { Authorization: `Bearer ${DEV_KEYS.client}`, 'Content-Type': 'application/json' },
      body: '{}',
    })
    if (res.ok) return
    // seeded, yet unknown: local KV (kept per namespace id) lacks a key the local Hub remembers
    if (res.status === 401) {
      throw new Error('the dev keys are not in local KV: did the KV id in wrangler.toml change? Delete .wrangler/state')
    }
    if (Date.now() > deadline) throw new Error(`OFREP answers ${res.status} for the dev client key: ${await res.text()}`)
    await new Promise((resolve) => setTimeout(resolve, 250))
  }
}

try {
  await waitForHealth(internalUrl)
  const lines = await seed({ url: internalUrl })
  await waitForDevKey()
  await startProxy(port, internal)
  for (const line of lines) log(line)
  log(`ready: ${url} (see README, "Local development")`)
} catch (error) {
  dev.kill('SIGTERM')
  fail(`starting failed: ${(error as Error).message}`)
}
