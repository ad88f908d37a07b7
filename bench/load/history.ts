import { push } from '../../scripts/push'
import { compileRuleset, type CompiledRuleset } from '../../src/evaluation'
import { parseRuleset } from '../../src/model/ruleset'

/** Flag JSON keyed by flag key, as the webhook takes it. */
export type Flags = Record<string, object>

/**
 * Every version of one environment's flags that this run pushed, compiled: the oracle that
 * answers "what should version N say?". Each change names its version explicitly, and that
 * version is recorded before the webhook is sent, since the Worker may serve it to other
 * requests before the webhook's own answer is read.
 */
export class History {
  readonly #versions = new Map<number, CompiledRuleset>()
  #flags: Flags = {}
  #version = 0

  constructor(
    readonly url: URL,
    readonly environment: string,
    readonly secret: string,
  ) {}

  get version() {
    return this.#version
  }

  /** The compiled ruleset of `version`, or undefined when this run never pushed it. */
  compiled(version: number): CompiledRuleset | undefined {
    return this.#versions.get(version)
  }

  /** Sends a replace (all flags) or a patch (some flags); the problem as text, or undefined. */
  async change(op: 'replace' | 'patch', flags: Flags): Promise<string | undefined> {
    const version = this.#version + 1
    const next = op === 'replace' ? flags : { ...this.#flags, ...flags }
    const parsed = parseRuleset({ flags: next, segments: {} })
    if (!parsed.ok) return `version ${version} is not a valid ruleset: ${JSON.stringify(parsed.errors.slice(0, 3))}`
    this.#versions.set(version, compileRuleset(parsed.ruleset))
    const body = { environment: this.environment, version, op, flags }
    let answer
    try {
      answer = await push({ body, url: this.url.origin, secret: this.secret })
    } catch (error) {
      return `version ${version}: ${(error as Error).message}`
    }
    const got = (answer.body as { version?: unknown }).version
    if (!answer.ok || got !== version) return `version ${version}: HTTP ${answer.status} ${answer.text.slice(0, 300)}`
    this.#flags = next
    this.#version = version
    return undefined
  }
}

/** Registers `key` for `environment` through the admin API (as `npm run dev` installs its keys). */
export async function registerKey(url: URL, token: string, environment: string, kind: string, key: string) {
  const response = await fetch(new URL(`/admin/v1/environments/${environment}/keys`, url), {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
    body: JSON.stringify({ kind, name: `load ${kind}`, key }),
    signal: AbortSignal.timeout(30_000),
  })
  if (!response.ok) throw new Error(`registering a ${kind} key: ${response.status} ${await response.text()}`)
}
