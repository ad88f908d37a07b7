import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import { Miniflare } from 'miniflare'
import { WORKER_BUILD } from '../../scripts/local-worker'

/**
 * compute.ts's fanout inside workerd (a Worker of its own, no sockets): POST /?n=N runs one
 * fanout over N contexts, after POST /?n=N&setup built them. workerd's clocks stand still while
 * JavaScript runs, so the time is taken here, as the round trip minus that of n=0. The first run
 * is kept apart: the Hub runs its fanout once per change, so its code is rarely as hot as this
 * loop makes it.
 */

const REPEATS = 9

const ENTRY = `
import { fanoutSetup } from './compute'
const runs = new Map()
export default {
  async fetch(request) {
    const n = Number(new URL(request.url).searchParams.get('n'))
    if (!runs.has(n)) runs.set(n, fanoutSetup(n))
    if (n === 0 || new URL(request.url).searchParams.has('setup')) return new Response('0')
    return new Response(String(runs.get(n)()))
  },
}
`

export type WorkerdCompute = { first: number; warm: number }
export type ComputeWorker = { fanoutMs: (count: number) => Promise<WorkerdCompute>; dispose: () => Promise<void> }

export async function startComputeWorker(): Promise<ComputeWorker> {
  const bundle = await build({
    stdin: { contents: ENTRY, resolveDir: fileURLToPath(new URL('.', import.meta.url)), loader: 'js' },
    ...WORKER_BUILD,
  })
  const miniflare = new Miniflare({
    modules: [{ type: 'ESModule', path: 'compute.js', contents: bundle.outputFiles[0].text }],
    compatibilityDate: '2026-04-26',
    compatibilityFlags: ['nodejs_compat'],
    host: '127.0.0.1',
    port: 0,
  })
  const url = await miniflare.ready
  const request = async (query: string) => {
    const start = process.hrtime.bigint()
    const text = await (await fetch(new URL(`/?${query}`, url), { method: 'POST' })).text()
    return { ms: Number(process.hrtime.bigint() - start) / 1e6, text }
  }
  const times = async (count: number) => {
    const all: number[] = []
    for (let i = 0; i < REPEATS; i++) {
      const { ms, text } = await request(`n=${count}`)
      if (text !== String(Math.ceil(count / 2))) throw new Error(`fanout in workerd sent ${text} patches`)
      all.push(ms)
    }
    return all
  }
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]
  return {
    fanoutMs: async (count) => {
      await request(`n=${count}&setup`)
      const [first, ...rest] = await times(count)
      const empty = median(await times(0))
      return { first: first - empty, warm: median(rest) - empty }
    },
    dispose: () => miniflare.dispose(),
  }
}
