import * as z from './zod'
import { flagSchema } from './flag'
import { segmentSchema } from './segment'
import { formatPath, toIssues, type ValidationIssue } from './issues'
import { withoutNulls } from './nulls'
import { isJsonObject, type JsonValue } from './json'

/** Environment names: lower-case words, as they appear in KV keys and cache tags. */
export const ENVIRONMENT_NAME = /^[a-z0-9][a-z0-9_-]{0,63}$/

const environmentSchema = z
  .string()
  .check(z.regex(ENVIRONMENT_NAME, 'must be 1-64 lower-case letters, digits, "-" or "_", starting with a letter or digit'))

/** Per-environment settings a change may set; omitted settings are kept. */
export const settingsSchema = z.strictObject({
  /**
   * Also publish the ruleset under `LD-Env-{id}` in KV, where LaunchDarkly's Cloudflare SDK
   * looks for it; null stops publishing.
   */
  launchDarklyClientSideId: z.optional(
    z.nullable(z.string().check(z.regex(/^[A-Za-z0-9_-]{1,128}$/, 'must be 1-128 letters, digits, "-" or "_"'))),
  ),
})

const common = {
  environment: environmentSchema,
  /** The version this change creates; absent means current + 1. */
  version: z.optional(z.int().check(z.minimum(1), z.maximum(Number.MAX_SAFE_INTEGER))),
  settings: z.optional(settingsSchema),
  /** Who sends the change, for the history (else the Hub names the signing secret). */
  actor: z.optional(z.string().check(z.minLength(1), z.maxLength(200))),
}

/** The admin webhook body (DESIGN.md section 5): replace everything, or patch items (null deletes). */
export const webhookSchema = z.discriminatedUnion('op', [
  z.strictObject({
    ...common,
    op: z.literal('replace'),
    flags: z._default(z.record(z.string(), flagSchema), {}),
    segments: z._default(z.record(z.string(), segmentSchema), {}),
  }),
  z.strictObject({
    ...common,
    op: z.literal('patch'),
    flags: z._default(z.record(z.string(), z.nullable(flagSchema)), {}),
    segments: z._default(z.record(z.string(), z.nullable(segmentSchema)), {}),
  }),
])

export type WebhookChange = z.infer<typeof webhookSchema>
export type EnvironmentSettings = z.infer<typeof settingsSchema>

/** A change as the Hub applies it: items are the JSON as sent (stored unchanged), null deletes. */
export type Change = {
  environment: string
  version: number | undefined
  op: 'replace' | 'patch'
  flags: Record<string, JsonValue>
  segments: Record<string, JsonValue>
  settings: EnvironmentSettings | undefined
  /** Who made the change, as history records it. */
  actor?: string
}

export type ParsedChange = { ok: true; change: Change } | { ok: false; errors: ValidationIssue[] }

// LaunchDarkly JSON writes null for absent values inside items, so items are checked with their
// nulls read as absent (as the evaluator will read them); an item that is itself null deletes.
const forChecking = (items: unknown, keep: string[]) =>
  isJsonObject(items)
    ? Object.fromEntries(Object.entries(items).map(([key, item]) => [key, item === null ? null : withoutNulls(item, keep)]))
    : items

// JSON.parse reads 1e999 as Infinity, which JSON cannot write back: stored, it would become null
// and evaluate differently after a reload. Found iteratively, so deep nesting cannot overflow.
const MAX_DEPTH = 64

const badNumberOrDepth = (json: unknown): ValidationIssue | undefined => {
  const pending: [unknown, (string | number)[]][] = [[json, []]]
  while (pending.length > 0) {
    const [value, path] = pending.pop()!
    if (typeof value === 'number' && !Number.isFinite(value)) {
      return { path: formatPath(path), message: 'numbers must be finite (1e999 and the like are not)' }
    }
    if (typeof value !== 'object' || value === null) continue
    if (path.length >= MAX_DEPTH) return { path: formatPath(path), message: `JSON nested deeper than ${MAX_DEPTH} levels` }
    for (const [key, item] of Object.entries(value)) pending.push([item, [...path, Array.isArray(value) ? Number(key) : key]])
  }
  return undefined
}

/** Checks a webhook body and keeps its items exactly as sent. */
export const parseWebhook = (json: unknown): ParsedChange => {
  const problem = badNumberOrDepth(json)
  if (problem !== undefined) return { ok: false, errors: [problem] }
  const checked = isJsonObject(json)
    ? { ...json, flags: forChecking(json.flags, ['variations']), segments: forChecking(json.segments, []) }
    : json
  const result = webhookSchema.safeParse(checked)
  if (!result.success) return { ok: false, errors: toIssues(result.error) }
  const body = json as Record<string, unknown>
  return {
    ok: true,
    change: {
      environment: result.data.environment,
      version: result.data.version,
      op: result.data.op,
      flags: (isJsonObject(body.flags) ? body.flags : {}) as Record<string, JsonValue>,
      segments: (isJsonObject(body.segments) ? body.segments : {}) as Record<string, JsonValue>,
      settings: result.data.settings,
      actor: result.data.actor,
    },
  }
}
