import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { DEV_ENVIRONMENT, DEV_KEYS, devVar } from './dev-credentials'
import { DEFAULT_URL, push } from './push'
import { ROOT } from './wrangler'

/**
 * Loads the development environment through the running service, by the same paths an admin
 * uses: examples/flags.json through the signed webhook (only when the environment has never
 * changed, so your own pushes survive restarts; `--force` pushes it again) and the documented
 * dev keys through the admin API (registering them again is a no-op).
 */
export const seed = async ({ url = DEFAULT_URL, force = false } = {}) => {
  const adminToken = devVar('ADMIN_TOKEN', ROOT)
  if (!adminToken) throw new Error('no ADMIN_TOKEN in the environment, .dev.vars or .dev.vars.example')
  const admin = (path: string, init: RequestInit = {}) =>
    fetch(new URL(`/admin/v1/environments/${DEV_ENVIRONMENT}${path}`, url), {
      ...init,
      headers: { Authorization: `Bearer ${adminToken}`, 'Content-Type': 'application/json' },
    })
  const status = await admin('')
  const lines: string[] = []
  if (force || status.status === 404) {
    const examples = JSON.parse(readFileSync(join(ROOT, 'examples/flags.json'), 'utf8'))
    const pushed = await push({ body: examples, env: DEV_ENVIRONMENT, url })
    if (!pushed.ok) throw new Error(`pushing examples/flags.json failed (${pushed.status}): ${pushed.text}`)
    lines.push(`loaded examples/flags.json into "${DEV_ENVIRONMENT}"`)
  } else {
    lines.push(`"${DEV_ENVIRONMENT}" already has flags (kept; npm run seed -- --force reloads the examples)`)
  }
  for (const [kind, key] of Object.entries(DEV_KEYS)) {
    const res = await admin('/keys', { method: 'POST', body: JSON.stringify({ kind, name: `dev ${kind} key`, key }) })
    if (!res.ok) throw new Error(`registering the dev ${kind} key failed (${res.status}): ${await res.text()}`)
  }
  lines.push(`dev keys: ${Object.values(DEV_KEYS).join(', ')}`)
  return lines
}

/** Waits until `GET /healthz` answers, or fails after `ms`. */
export const waitForHealth = async (url: string, ms = 60_000) => {
  const deadline = Date.now() + ms
  while (Date.now() < deadline) {
    try {
      if ((await fetch(new URL('/healthz', url))).ok) return
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250))
  }
  throw new Error(`${url} did not answer /healthz within ${ms / 1000} s`)
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const urlArg = process.argv.indexOf('--url')
  const url = urlArg > 0 ? process.argv[urlArg + 1] : DEFAULT_URL
  seed({ url, force: process.argv.includes('--force') })
    .then((lines) => lines.forEach((line) => console.log(line)))
    .catch((error) => {
      console.error(`seed: ${(error as Error).message}\nIs the service running? Start it with: npm run dev`)
      process.exit(1)
    })
}
