import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build, type BuildOptions } from 'esbuild'
import { Miniflare } from 'miniflare'

/**
 * The Worker served by Miniflare on 127.0.0.1, straight from `src/` (bundled with esbuild the way
 * wrangler would), with the bindings of wrangler.toml. Tests and benchmarks use it where they
 * need real HTTP and real sockets without wrangler dev's proxy in the way.
 */
export type LocalWorker = {
  url: URL
  miniflare: Miniflare
  kv: KVNamespace
  dispose: () => Promise<void>
}

export type LocalWorkerOptions = {
  /** Vars and secrets, as in wrangler.toml's [vars] and .dev.vars. */
  vars?: Record<string, string>
  /** Port to listen on; 0 (the default) picks a free one. */
  port?: number
  /**
   * A folder to keep KV, the Hub's storage and the Cache API in (`kv/`, `do/`, `cache/`), so a
   * later Miniflare on the same folder starts where this one stopped. Default: in memory, gone
   * on dispose.
   */
  persist?: string
}

const ENTRY = fileURLToPath(new URL('../src/index.ts', import.meta.url))
const WRANGLER_TOML = readFileSync(new URL('../wrangler.toml', import.meta.url), 'utf8')
const setting = (name: string) => new RegExp(`^${name}\\s*=\\s*(.+)$`, 'm').exec(WRANGLER_TOML)?.[1]

let bundled: Promise<string> | undefined

/** How wrangler would bundle a Worker module: ESM, runtime modules left to workerd. */
export const WORKER_BUILD = {
  bundle: true,
  format: 'esm',
  platform: 'neutral',
  target: 'es2022',
  external: ['cloudflare:*', 'node:*'],
  write: false,
  logLevel: 'error',
} satisfies BuildOptions

/** The Worker as one ES module, built once per process. */
export const bundleWorker = () =>
  (bundled ??= build({ entryPoints: [ENTRY], ...WORKER_BUILD }).then((result) => result.outputFiles[0].text))

const persistOptions = (folder: string | undefined) =>
  folder === undefined
    ? {}
    : { kvPersist: join(folder, 'kv'), durableObjectsPersist: join(folder, 'do'), cachePersist: join(folder, 'cache') }

export const startLocalWorker = async ({ vars = {}, port = 0, persist }: LocalWorkerOptions = {}): Promise<LocalWorker> => {
  const miniflare = new Miniflare({
    modules: [{ type: 'ESModule', path: 'worker.js', contents: await bundleWorker() }],
    compatibilityDate: JSON.parse(setting('compatibility_date') ?? '"2026-04-26"'),
    compatibilityFlags: JSON.parse(setting('compatibility_flags') ?? '["nodejs_compat"]'),
    kvNamespaces: ['FLAGS'],
    durableObjects: { HUB: { className: 'Hub', useSQLite: true } },
    bindings: { REFRESH_MS: '5000', ...vars },
    ...persistOptions(persist),
    host: '127.0.0.1',
    port,
  })
  const url = await miniflare.ready
  const kv = (await miniflare.getKVNamespace('FLAGS')) as unknown as KVNamespace
  return { url, miniflare, kv, dispose: () => miniflare.dispose() }
}
