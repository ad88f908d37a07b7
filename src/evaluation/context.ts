import type { AttributeReference } from './attribute-reference'
import { noteKeyMissing } from './notes'

type Attributes = Record<string, unknown>

/**
 * A context ready for evaluation: LaunchDarkly's single-kind, multi-kind or legacy-user JSON,
 * checked once and indexed by kind, so each clause looks its kind up in a map.
 */
export type EvaluationContext =
  | {
      readonly valid: true
      readonly kinds: readonly string[]
      readonly byKind: Map<string, Attributes>
      /** A single-kind context without a key, accepted with `allowMissingKey`. */
      readonly keyMissing: boolean
    }
  | { readonly valid: false; readonly message: string }

export type ParseContextOptions = {
  /**
   * Accept a single-kind context without a key (an anonymous browser, in OpenFeature terms). It
   * evaluates normally until a flag needs the key, which then answers TARGETING_KEY_MISSING.
   */
  allowMissingKey?: boolean
}

const KIND = /^(\w|\.|-)+$/

const isObject = (value: unknown): value is Attributes =>
  typeof value === 'object' && value !== null

const validKind = (kind: unknown): kind is string =>
  typeof kind === 'string' && kind !== 'kind' && KIND.test(kind)

const validKey = (key: unknown) => typeof key === 'string' && key !== ''

// Contexts this module made, so a caller may pass one in place of JSON and skip parsing it again
const PARSED = new WeakSet<EvaluationContext>()

const parsed = (context: EvaluationContext) => {
  PARSED.add(context)
  return context
}

const invalid = (message: string) => parsed({ valid: false, message })

const ready = (byKind: Map<string, Attributes>, keyMissing = false) =>
  parsed({ valid: true, kinds: [...byKind.keys()], byKind, keyMissing })

// Legacy users keep their built-in attributes at the top and the rest under `custom`;
// a built-in wins over a custom attribute of the same name, as in LaunchDarkly's SDKs.
const LEGACY_BUILT_INS = ['name', 'ip', 'firstName', 'lastName', 'email', 'avatar', 'country']

const fromLegacyUser = (user: Attributes): EvaluationContext => {
  if (user.key === undefined || user.key === null) return invalid('the user has no key')
  const attributes: Attributes = Object.create(null)
  if (isObject(user.custom)) Object.assign(attributes, user.custom)
  attributes.kind = 'user'
  attributes.key = String(user.key)
  if (user.anonymous !== undefined && user.anonymous !== null) {
    attributes.anonymous = Boolean(user.anonymous)
  }
  for (const name of LEGACY_BUILT_INS) {
    if (user[name] !== undefined && user[name] !== null) attributes[name] = user[name]
  }
  return ready(new Map([['user', attributes]]))
}

const fromMultiKind = (context: Attributes): EvaluationContext => {
  const kinds = Object.keys(context).filter((name) => name !== 'kind')
  if (kinds.length === 0) return invalid('a multi-kind context must contain at least one kind')
  if (!kinds.every(validKind)) return invalid('the context contains an invalid kind')
  const byKind = new Map<string, Attributes>()
  for (const kind of kinds) {
    const part = context[kind]
    if (!isObject(part)) return invalid(`the "${kind}" context is not an object`)
    if (!validKey(part.key)) return invalid(`the "${kind}" context has no valid key`)
    byKind.set(kind, part)
  }
  return ready(byKind)
}

/**
 * Reads LaunchDarkly context JSON. An invalid context is a value, not an exception: evaluating
 * it answers `USER_NOT_SPECIFIED`, as LaunchDarkly's SDKs do.
 */
export const parseContext = (json: unknown, options: ParseContextOptions = {}): EvaluationContext => {
  if (!isObject(json) || Array.isArray(json)) return invalid('no context was given')
  const { kind } = json
  if (kind === undefined || kind === null) return fromLegacyUser(json)
  if (kind === 'multi') return fromMultiKind(json)
  if (typeof kind !== 'string') return invalid('the context kind is not a string')
  if (!validKind(kind)) return invalid(`"${kind}" is not a valid context kind`)
  if (json.key === undefined && options.allowMissingKey) return ready(new Map([[kind, json]]), true)
  if (!validKey(json.key)) return invalid('the context key must be a non-empty string')
  return ready(new Map([[kind, json]]))
}

/** `context` if `parseContext` made it, else `context` parsed as LaunchDarkly context JSON. */
export const toEvaluationContext = (context: unknown): EvaluationContext =>
  typeof context === 'object' && context !== null && PARSED.has(context as EvaluationContext)
    ? (context as EvaluationContext)
    : parseContext(context)

/** The key of the context of `kind`, if the context has that kind. */
export const keyOf = (context: EvaluationContext & { valid: true }, kind: string) => {
  if (context.keyMissing && context.byKind.has(kind)) noteKeyMissing()
  return context.byKind.get(kind)?.key as string | undefined
}

/**
 * The value `reference` points at in the context of `kind`. Arrays are values, never paths:
 * `/list/0` finds nothing, as in LaunchDarkly's SDKs.
 */
export const valueOf = (
  context: EvaluationContext & { valid: true },
  reference: AttributeReference,
  kind: string,
): unknown => {
  if (reference.isKind) return context.kinds
  const attributes = context.byKind.get(kind)
  if (attributes === undefined || !reference.valid) return undefined
  const { components } = reference
  if (context.keyMissing && components.length === 1 && components[0] === 'key') noteKeyMissing()
  // `anonymous` is a boolean attribute whose absence means false
  if (components.length === 1 && components[0] === 'anonymous') return Boolean(attributes.anonymous)
  let current: unknown = attributes
  for (const component of components) {
    if (!isObject(current) || Array.isArray(current) || !Object.hasOwn(current, component)) {
      return undefined
    }
    current = current[component]
  }
  return current
}
