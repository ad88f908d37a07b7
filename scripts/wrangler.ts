import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const WRANGLER = fileURLToPath(new URL('../node_modules/.bin/wrangler', import.meta.url))

/** The environment wrangler runs in: no telemetry, no prompts. */
export const wranglerEnv = { ...process.env, WRANGLER_SEND_METRICS: 'false', CI: process.env.CI ?? 'true' }

/** Runs `wrangler <args>` in the project folder and returns its stdout; throws on failure. */
export const wrangler = (args: string[]): string => {
  const result = spawnSync(WRANGLER, args, { cwd: ROOT, env: wranglerEnv, encoding: 'utf8' })
  if (result.status !== 0) {
    throw new Error(`wrangler ${args.join(' ')} failed:\n${result.stderr || result.stdout}`)
  }
  return result.stdout
}

export { ROOT, WRANGLER }
