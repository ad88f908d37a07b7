import { existsSync, readFileSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { parseArgs } from 'node:util'
import { parseSecrets } from '../src/webhook/signature'
import { DEV_ENVIRONMENT, devVar } from './dev-credentials'
import { history, rollback } from './history'
import { signedHeaders } from './sign'
import { ROOT } from './wrangler'

/**
 * `npm run push -- <file.json> [--env development] [--url http://127.0.0.1:8787] [--secret …] [--json]`
 * signs a ruleset or webhook body and POSTs it to the admin webhook (DESIGN.md section 5).
 * `push` is the part other scripts reuse (the dev seed step); the CLI is a thin wrapper at the bottom.
 */

export const DEFAULT_URL = 'http://127.0.0.1:8787'
export const WEBHOOK_PATH = '/admin/v1/webhook'
/** A local Worker answers in milliseconds; this only stops a wedged server from hanging the script. */
const TIMEOUT_MS = 30_000
export const USAGE = [
  'usage: npm run push -- <file.json> [--env development] [--url http://127.0.0.1:8787] [--secret <secret>] [--json]',
  '       npm run push -- --history [--limit 20] [--env development] [--url …] [--token <admin token>]',
  '       npm run push -- --rollback <version> [--env development] [--url …] [--token <admin token>]',
].join('\n')

export type PushOptions = ({ file: string } | { body: unknown }) & {
  /** Overrides the body's `environment`; default: the body's, else `development`. */
  env?: string
  /** The Worker's origin; default http://127.0.0.1:8787. */
  url?: string
  /** Default: `WEBHOOK_SECRET` from the environment, `.dev.vars`, then `.dev.vars.example`. */
  secret?: string
  fetch?: typeof fetch
  /** Unix seconds to sign with; default: the clock. */
  now?: number
}

/**
 * Any HTTP answer, 2xx or not: `body` is the parsed JSON when it parses, else the text;
 * `environment` is the one the change was sent to.
 */
export type PushResult = { ok: boolean; status: number; body: unknown; text: string; environment: string }

/** Thrown for bad input (`input`: exit 2) or when the server cannot be reached (`connection`: exit 1). */
export class PushError extends Error {
  constructor(
    readonly kind: 'input' | 'connection',
    message: string,
  ) {
    super(message)
  }
}

/** Signs and sends a file or body to `{url}/admin/v1/webhook`; throws PushError when it cannot. */
export const push = async (options: PushOptions): Promise<PushResult> => {
  const input = 'file' in options ? await readJson(options.file) : options.body
  const built = buildChange(input, options.env)
  if (!built.ok) throw new PushError('input', 'file' in options ? `${options.file}: ${built.message}` : built.message)
  const secret = options.secret ?? defaultSecret()
  if (parseSecrets(secret).length === 0) throw new PushError('input', 'the webhook secret is empty')

  const base = (options.url ?? DEFAULT_URL).replace(/\/+$/, '')
  // The bytes signed are the bytes sent: `body` is this exact string, sent as UTF-8.
  const text = JSON.stringify(built.change)
  const request = { method: 'POST', headers: await signedHeaders(text, secret, options.now), body: text }
  let response: Response
  try {
    const signal = AbortSignal.timeout(TIMEOUT_MS)
    response = await (options.fetch ?? fetch)(base + WEBHOOK_PATH, { ...request, signal })
  } catch (error) {
    throw new PushError('connection', unreachable(base, error))
  }
  const answer = await response.text()
  const environment = String(built.change.environment)
  return { ok: response.ok, status: response.status, body: parseJson(answer) ?? answer, text: answer, environment }
}

/**
 * Turns a file's JSON into a webhook body. One with `op` is a webhook body already; anything
 * else must be a ruleset (`{flags, segments}`) and becomes a full replacement.
 */
export const buildChange = (
  input: unknown,
  env: string | undefined,
): { ok: true; change: Record<string, unknown> } | { ok: false; message: string } => {
  if (!isObject(input)) return { ok: false, message: 'expected a JSON object (a ruleset or a webhook body)' }
  if ('op' in input) return { ok: true, change: { ...input, environment: env ?? input.environment ?? DEV_ENVIRONMENT } }
  if (!('flags' in input) && !('segments' in input)) {
    return { ok: false, message: 'neither a webhook body (no "op") nor a ruleset (no "flags" or "segments")' }
  }
  for (const key of ['flags', 'segments'] as const) {
    if (key in input && !isObject(input[key])) {
      return { ok: false, message: `"${key}" must be an object keyed by ${key.slice(0, -1)} key` }
    }
  }
  const { flags = {}, segments = {} } = input
  return { ok: true, change: { environment: env ?? DEV_ENVIRONMENT, op: 'replace', flags, segments } }
}

/** `WEBHOOK_SECRET` from the environment, else from `.dev.vars`, else `.dev.vars.example`. */
export const defaultSecret = (env: NodeJS.ProcessEnv = process.env, root = ROOT): string => {
  const secret = devVar('WEBHOOK_SECRET', root, env)
  if (secret) return secret
  throw new PushError('input', 'no webhook secret: pass --secret, set WEBHOOK_SECRET, or add it to .dev.vars')
}

/** The lines to print for an answer: a summary on 2xx, the error and its details otherwise. */
export const describeResult = (result: PushResult): string[] => {
  const body = isObject(result.body) ? result.body : {}
  if (!result.ok) {
    const error = isObject(body.error) ? body.error : undefined
    const failed = `${result.environment}: push failed: HTTP ${result.status}`
    if (!error) return [failed, ...(result.text ? [result.text.slice(0, 2000)] : [])]
    const code = typeof error.code === 'string' ? ` ${error.code}` : ''
    const message = typeof error.message === 'string' ? `: ${error.message}` : ''
    const details = Array.isArray(error.details) ? error.details.filter(isObject) : []
    return [
      `${failed}${code}${message}`,
      ...details.map((detail) => `  ${detail.path || '(body)'}: ${detail.message}`),
    ]
  }
  const environment = typeof body.environment === 'string' ? body.environment : result.environment
  const version = typeof body.version === 'number' ? ` version ${body.version}` : ''
  if (body.unchanged === true) return [`${environment}:${version} unchanged (already applied)`]
  const changed = (['flags', 'segments'] as const)
    .filter((key) => Array.isArray(body[key]))
    .map((key) => `${key} changed: ${listOf(body[key] as unknown[])}`)
  const lines = [`${environment}:${version || ' accepted'}${changed.length ? ` (${changed.join('; ')})` : ''}`]
  if (body.purged !== undefined) lines.push(`  purged: ${describeValue(body.purged)}`)
  return lines
}

type CliOptions = {
  file: string
  env?: string
  url?: string
  secret?: string
  json: boolean
  help: boolean
  /** Set for --history (how many changes) or --rollback (to which version) instead of a file. */
  admin?: { history: number } | { rollback: number }
  token?: string
}

const positiveInteger = (text: string | undefined, name: string) => {
  const value = Number(text)
  return Number.isSafeInteger(value) && value > 0 ? value : `${name} must be a whole number above 0, got "${text}"`
}

/** Reads the command line; any problem is a usage error. */
export const parseCli = (argv: string[]): { ok: true; options: CliOptions } | { ok: false; message: string } => {
  let parsed
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        env: { type: 'string' },
        url: { type: 'string' },
        secret: { type: 'string' },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
        history: { type: 'boolean', default: false },
        limit: { type: 'string' },
        rollback: { type: 'string' },
        token: { type: 'string' },
      },
    })
  } catch (error) {
    return { ok: false, message: (error as Error).message.split('. ')[0] }
  }
  const { values, positionals } = parsed
  const base = { env: values.env, url: values.url, secret: values.secret, json: values.json, help: values.help, token: values.token }
  if (values.help) return { ok: true, options: { ...base, file: '' } }
  if (values.url !== undefined && !isHttpUrl(values.url)) {
    return { ok: false, message: `--url must be an http(s) URL, got "${values.url}"` }
  }
  if (values.history || values.rollback !== undefined) {
    if (values.history && values.rollback !== undefined) return { ok: false, message: '--history or --rollback, not both' }
    if (positionals.length > 0) return { ok: false, message: `no file with --${values.history ? 'history' : 'rollback'}` }
    const count = values.history ? positiveInteger(values.limit ?? '20', '--limit') : positiveInteger(values.rollback, '--rollback')
    if (typeof count === 'string') return { ok: false, message: count }
    return { ok: true, options: { ...base, file: '', admin: values.history ? { history: count } : { rollback: count } } }
  }
  if (positionals.length !== 1) {
    const message =
      positionals.length === 0 ? 'which file? none given' : `one file at a time, got ${positionals.length}`
    return { ok: false, message }
  }
  return { ok: true, options: { ...base, file: positionals[0] } }
}

const readJson = async (file: string): Promise<unknown> => {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    const why =
      code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a folder' : (code ?? (error as Error).message)
    throw new PushError('input', `cannot read ${file}: ${why}`)
  }
  try {
    return JSON.parse(text)
  } catch (error) {
    throw new PushError('input', `${file} is not valid JSON: ${(error as Error).message}`)
  }
}

/** Names the usual failures: nothing listening (undici puts the code on `cause`), no answer in time. */
const unreachable = (base: string, error: unknown): string => {
  const cause = (error as { cause?: { code?: string; errors?: { code?: string }[] } }).cause
  const codes = [cause?.code, ...(cause?.errors ?? []).map((inner) => inner.code)]
  if (codes.includes('ECONNREFUSED')) {
    return `no server is running at ${base} (connection refused); start one with: npm run dev`
  }
  if ((error as Error).name === 'TimeoutError') return `${base} did not answer within ${TIMEOUT_MS / 1000} s`
  return `cannot reach ${base}: ${cause?.code ?? (error as Error).message}`
}

const isHttpUrl = (text: string): boolean => {
  try {
    return ['http:', 'https:'].includes(new URL(text).protocol)
  } catch {
    return false
  }
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

const parseJson = (text: string): unknown => {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

const listOf = (items: unknown[]): string => (items.length ? items.map(String).join(', ') : 'none')

const describeValue = (value: unknown): string =>
  Array.isArray(value) ? listOf(value) : typeof value === 'object' ? JSON.stringify(value) : String(value)

// The CLI: only when run as a script, so `import { push }` has no side effects.
const main = async (argv: string[]): Promise<number> => {
  const cli = parseCli(argv)
  if (!cli.ok) {
    console.error(`${cli.message}\n${USAGE}`)
    return 2
  }
  const { file, json, help, admin, token, ...rest } = cli.options
  if (help) {
    console.log(USAGE)
    return 0
  }
  if (admin !== undefined) {
    const target = { env: rest.env ?? DEV_ENVIRONMENT, url: rest.url ?? DEFAULT_URL, token }
    try {
      const result = 'history' in admin ? await history(target, admin.history) : await rollback(target, admin.rollback)
      for (const line of result.ok ? result.value : result.lines) (result.ok ? console.log : console.error)(line)
      return result.ok ? 0 : 1
    } catch (error) {
      console.error(unreachable(target.url, error))
      return 1
    }
  }
  try {
    // npm runs scripts from the package root; INIT_CWD is where the user typed the command.
    const result = await push({ ...rest, file: resolve(process.env.INIT_CWD ?? process.cwd(), file) })
    // --json prints the answer as it came, to stdout either way, for other tools to read.
    const print = json || result.ok ? console.log : console.error
    if (json) print(result.text)
    else for (const line of describeResult(result)) print(line)
    return result.ok ? 0 : 1
  } catch (error) {
    if (!(error instanceof PushError)) throw error
    console.error(error.kind === 'input' ? `${error.message}\n${USAGE}` : error.message)
    return error.kind === 'input' ? 2 : 1
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await main(process.argv.slice(2))
}
