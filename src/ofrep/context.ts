import { parseContext, type EvaluationContext } from '../evaluation'
import { ApiError } from '../errors'
import { canonicalJson } from '../model/canonical-json'
import { isJsonObject } from '../model/json'

// DESIGN.md section 8: a context may carry at most 50 attributes, counted through nested
// objects and arrays, and at most 16 kinds.
export const MAX_CONTEXT_ATTRIBUTES = 50
export const MAX_CONTEXT_KINDS = 16

/**
 * The context of an OFREP request body, `{ "context": { "targetingKey": "...", ... } }`, where
 * the context is optional. Checked by hand: this runs on every evaluation.
 */
const contextOf = (body: unknown): Record<string, unknown> => {
  if (!isJsonObject(body)) throw invalid('The body must be a JSON object', 'body')
  const { context } = body
  if (context === undefined) return {}
  if (!isJsonObject(context)) throw invalid('context must be a JSON object')
  if ('targetingKey' in context && typeof context.targetingKey !== 'string') {
    throw invalid('targetingKey must be a string', 'context.targetingKey')
  }
  return context
}

// Counts attributes through nested objects and arrays, giving up once past `limit`: a body
// nested thousands deep (still under 64 KiB) is refused without walking, or overflowing, it.
const exceedsAttributes = (value: unknown, limit: number): boolean => {
  let count = 0
  const pending: unknown[] = [value]
  while (pending.length > 0) {
    const next = pending.pop()
    if (typeof next !== 'object' || next === null) continue
    for (const child of Array.isArray(next) ? next : Object.values(next)) {
      count += 1
      if (count > limit) return true
      pending.push(child)
    }
  }
  return false
}

// OFREP's targetingKey is LaunchDarkly's key; a context without a kind is a user.
const withKey = ({ targetingKey, ...attributes }: Record<string, unknown>) =>
  targetingKey === undefined || targetingKey === '' ? attributes : { ...attributes, key: targetingKey }

/** Maps an OFREP evaluation context onto LaunchDarkly's context JSON. */
export const toLaunchDarklyContext = (context: Record<string, unknown>): Record<string, unknown> => {
  if (context.kind !== 'multi') return { kind: 'user', ...withKey(context) }
  const { kind, ...parts } = context
  return Object.fromEntries([
    ['kind', kind],
    ...Object.entries(parts).map(([name, part]) => [name, isJsonObject(part) ? withKey(part) : part]),
  ])
}

const invalid = (message: string, path = 'context') =>
  new ApiError(400, 'invalid_context', message, [{ path, message }])

/**
 * The evaluation context of an OFREP request body, plus its canonical JSON (for ETags). A
 * context without targetingKey is accepted: flags that need the key answer TARGETING_KEY_MISSING.
 */
export const readOfrepContext = (body: unknown): { context: EvaluationContext; canonical: string } => {
  const raw = contextOf(body)
  if (exceedsAttributes(raw, MAX_CONTEXT_ATTRIBUTES)) {
    throw invalid(`The context has more than ${MAX_CONTEXT_ATTRIBUTES} attributes`)
  }
  const mapped = toLaunchDarklyContext(raw)
  if (mapped.kind === 'multi' && Object.keys(mapped).length - 1 > MAX_CONTEXT_KINDS) {
    throw invalid(`The context has more than ${MAX_CONTEXT_KINDS} kinds`)
  }
  const context = parseContext(mapped, { allowMissingKey: true })
  if (!context.valid) throw invalid(`The context is not valid: ${context.message}`)
  return { context, canonical: canonicalJson(raw) }
}
