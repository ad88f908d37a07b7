import { Miniflare } from 'miniflare'

/** A Worker under load, and the plain Workers (baseline, peer) served beside edgeflags. */

export type Target = { name: string; url: URL; dispose: () => Promise<void> }

/** The names the report's rows and ratios go by. */
export const TARGETS = {
  hello: 'hello-world',
  edgeflags: 'edgeflags',
  /** edgeflags with INSIGHTS=off: no evaluation counting, to measure what counting costs. */
  edgeflagsUncounted: 'edgeflags, INSIGHTS=off',
  launchDarkly: 'LaunchDarkly SDK',
} as const

/** The runtime settings of wrangler.toml, so every Worker in the run is served alike. */
const RUNTIME = { compatibilityDate: '2026-04-26', compatibilityFlags: ['nodejs_compat'] }

export type Served = { target: Target; miniflare: Miniflare }

/** Serves one ES module Worker on 127.0.0.1 with a free port, in its own workerd. */
export async function serveModule(
  name: string,
  script: string,
  options: { bindings?: Record<string, string>; kvNamespaces?: string[] } = {},
): Promise<Served> {
  const miniflare = new Miniflare({ modules: true, script, ...RUNTIME, ...options, host: '127.0.0.1', port: 0 })
  const url = await miniflare.ready
  return { target: { name, url, dispose: () => miniflare.dispose() }, miniflare }
}
