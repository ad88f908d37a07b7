import { parseContext, type EvaluationContext } from '../evaluation'
import { ApiError } from '../errors'
import { canonicalJson } from '../model/canonical-json'
import { exceedsAttributes, MAX_CONTEXT_ATTRIBUTES, MAX_CONTEXT_KINDS } from '../model/context-size'
import { isJsonObject } from '../model/json'

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
