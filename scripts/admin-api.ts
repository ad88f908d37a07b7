import { devVar } from './dev-credentials'
import { ROOT } from './wrangler'

/** The admin API as the command-line scripts call it (`npm run push -- --history`, `npm run flags`). */

export type AdminTarget = {
  env: string
  /** The Worker's origin. */
  url: string
  /** Default: `ADMIN_TOKEN` from the environment, `.dev.vars`, then `.dev.vars.example`. */
  token?: string
  fetch?: typeof fetch
}

/** What the admin API answered: ok, or the lines that say why not. */
export type AdminResult<T> = { ok: true; value: T } | { ok: false; lines: string[] }

const TIMEOUT_MS = 30_000

/** Calls `/admin/v1/environments/{env}{path}` with the admin token. */
export const call = async <T>(target: AdminTarget, path: string, init: RequestInit = {}): Promise<AdminResult<T>> => {
  const token = target.token ?? devVar('ADMIN_TOKEN', ROOT)
  if (!token) return { ok: false, lines: ['no admin token: pass --token, set ADMIN_TOKEN, or add it to .dev.vars'] }
  const url = `${target.url.replace(/\/+$/, '')}/admin/v1/environments/${encodeURIComponent(target.env)}${path}`
  const response = await (target.fetch ?? fetch)(url, {
    ...init,
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    signal: AbortSignal.timeout(TIMEOUT_MS),
  })
  const text = await response.text()
  let body: unknown
  try {
    body = JSON.parse(text)
  } catch {
    body = undefined
  }
  if (response.ok) return { ok: true, value: body as T }
  const error = (body as { error?: { code?: string; message?: string } } | undefined)?.error
  return { ok: false, lines: [`${target.env}: HTTP ${response.status}${error ? ` ${error.code}: ${error.message}` : ` ${text.slice(0, 500)}`}`] }
}

export const listOf = (items: string[]) => (items.length > 0 ? items.join(', ') : 'none')
