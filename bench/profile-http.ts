import { createHash } from 'node:crypto'
import { app } from '../src/app'
import type { Env } from '../src/env'
import { apiKeyRecordKey, rulesetKey } from '../src/store/kv-keys'
import { makeFlags } from './fixtures'
import { publishRuleset } from '../src/hub/published'
import { requestBodies } from './http/requests'

// The Worker's request path under plain Node, for `node --cpu-prof`: OFREP bulk for 200 flags
// with an in-memory KV, so only our own code (Hono, middleware, evaluation, JSON) is measured.
// `npx tsx bench/profile-http.ts` prints µs per request.
const KEY = 'profile-server-key'
const store = new Map<string, string>([
  [
    rulesetKey('bench'),
    JSON.stringify(publishRuleset({ flags: Object.fromEntries(makeFlags(200).map((f) => [f.key, f])), segments: {} }, 1, '')),
  ],
  [
    apiKeyRecordKey(createHash('sha256').update(KEY).digest('hex')),
    JSON.stringify({ environment: 'bench', kind: 'server', name: 'profile', createdAt: '' }),
  ],
])
const kv = { get: async (key: string, type?: string) => (type === 'json' ? JSON.parse(store.get(key) ?? 'null') : (store.get(key) ?? null)) }
const env = { FLAGS: kv, REFRESH_MS: '600000' } as unknown as Env
const ctx = { waitUntil: () => undefined, passThroughOnException: () => undefined, props: {} } as unknown as ExecutionContext
const bodies = requestBodies(1000)

const request = (i: number) =>
  app.fetch(
    new Request('http://bench/ofrep/v1/evaluate/flags', {
      method: 'POST',
      headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
      body: bodies[i % bodies.length],
    }),
    env,
    ctx,
  )

const seconds = Number(process.env.PROFILE_SECONDS ?? 3)
let count = 0
const until = performance.now() + seconds * 1000
while (performance.now() < until) {
  const res = await request(count)
  if (res.status !== 200) throw new Error(`status ${res.status}: ${await res.text()}`)
  await res.text()
  count += 1
}
console.log(`${((seconds * 1e6) / count).toFixed(0)} µs per request (${count} requests)`)
