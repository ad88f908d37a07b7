import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { KeyKind } from '../src/model/api-key'

/** The environment `npm run dev` serves, and its documented keys (README, "Local development"). */
export const DEV_ENVIRONMENT = 'development'

export const DEV_KEYS: Record<KeyKind, string> = {
  client: 'dev-client-key',
  mobile: 'dev-mobile-key',
  server: 'dev-server-key',
}

/**
 * A secret for local use: from the process environment, else `.dev.vars`, else the committed
 * `.dev.vars.example` (dotenv syntax; the value may be quoted).
 */
export const devVar = (name: string, root: string, env: NodeJS.ProcessEnv = process.env): string | undefined => {
  if (env[name]) return env[name]
  for (const file of ['.dev.vars', '.dev.vars.example']) {
    const path = join(root, file)
    const line = existsSync(path) ? new RegExp(`^\\s*${name}\\s*=(.*)$`, 'm').exec(readFileSync(path, 'utf8')) : null
    if (line) return line[1].trim().replace(/^(["'])(.*)\1$/, '$2')
  }
  return undefined
}
