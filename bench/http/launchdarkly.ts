import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import { WORKER_BUILD } from '../../scripts/local-worker'
import { serveModule, TARGETS, type Target } from './miniflare'

/** The peer: LaunchDarkly's Cloudflare SDK in a Worker (launchdarkly-worker.ts), in its own workerd. */

const ENTRY = fileURLToPath(new URL('./launchdarkly-worker.ts', import.meta.url))

/** The KV key LaunchDarkly's Cloudflare SDK reads its flags from, as the Hub writes it. */
export const launchDarklyKvKey = (clientSideId: string) => `LD-Env-${clientSideId}`

export type LaunchDarkly = Target & { version: string }

// The package exports no package.json, so it is read from its folder
const PACKAGE = new URL('../../node_modules/@launchdarkly/cloudflare-server-sdk/package.json', import.meta.url)

/** Serves the SDK Worker with `record` (the Hub's `LD-Env-{clientSideId}` value) in its KV. */
export async function startLaunchDarkly(clientSideId: string, record: string): Promise<LaunchDarkly> {
  const built = await build({
    entryPoints: [ENTRY],
    ...WORKER_BUILD,
    // The SDK's dependencies (semver, crypto-js) are CommonJS packages with only a "main" field,
    // which the neutral platform does not read by default.
    mainFields: ['module', 'main'],
    conditions: ['workerd', 'worker', 'import'],
  })
  const { target, miniflare } = await serveModule(TARGETS.launchDarkly, built.outputFiles[0].text, {
    kvNamespaces: ['LD_KV'],
    bindings: { LD_CLIENT_SIDE_ID: clientSideId },
  })
  try {
    await (await miniflare.getKVNamespace('LD_KV')).put(launchDarklyKvKey(clientSideId), record)
  } catch (error) {
    await target.dispose()
    throw error
  }
  return { ...target, version: JSON.parse(readFileSync(PACKAGE, 'utf8')).version }
}
