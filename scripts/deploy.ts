import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { ROOT, WRANGLER } from './wrangler'

/**
 * `npm run deploy [-- <wrangler deploy options>]`: `wrangler deploy`, but not while wrangler.toml
 * still names the placeholder KV namespace (README, "Deploy to Cloudflare").
 */

/** The KV namespace id wrangler.toml ships with: it names the local store, and nothing on Cloudflare. */
export const PLACEHOLDER_KV_ID = '00000000000000000000000000000001'

export const PLACEHOLDER_MESSAGE = `npm run deploy: wrangler.toml still has the placeholder KV namespace id ${PLACEHOLDER_KV_ID}.
Create the namespace once (after npx wrangler login):
  npx wrangler kv namespace create FLAGS
then paste the id it prints into wrangler.toml, in the [[kv_namespaces]] table with binding = "FLAGS":
  id = "<the id it printed>"
and run npm run deploy again. Every step: README, "Deploy to Cloudflare".`

/**
 * Whether wrangler.toml (its text) may be deployed: not while any binding outside a comment
 * names the placeholder id, the [[kv_namespaces]] FLAGS binding as shipped.
 */
export const checkDeployable = (toml: string): { ok: true } | { ok: false; message: string } => {
  const code = toml.replace(/#.*$/gm, '')
  return code.includes(`"${PLACEHOLDER_KV_ID}"`) || code.includes(`'${PLACEHOLDER_KV_ID}'`)
    ? { ok: false, message: PLACEHOLDER_MESSAGE }
    : { ok: true }
}

const main = (argv: string[]): number => {
  const checked = checkDeployable(readFileSync(join(ROOT, 'wrangler.toml'), 'utf8'))
  if (!checked.ok) {
    console.error(checked.message)
    return 1
  }
  // the terminal's own environment, not wranglerEnv: a deploy may need to ask (login, overwriting
  // settings changed in the dashboard); wrangler.toml already turns telemetry off
  const result = spawnSync(WRANGLER, ['deploy', ...argv], { cwd: ROOT, stdio: 'inherit' })
  if (result.error) console.error(`npm run deploy: cannot run wrangler: ${result.error.message}`)
  return result.status ?? 1
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = main(process.argv.slice(2))
}
