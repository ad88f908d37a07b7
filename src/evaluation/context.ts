import type { AttributeReference } from './attribute-reference'
import { noteKeyMissing } from './notes'

type Attributes = Record<string, unknown>

const PARSED: unique symbol = Symbol('edgeflags.context')

/**
 * A context ready for evaluation: LaunchDarkly's single-kind, multi-kind or legacy-user JSON,
 * checked once. A single-kind context (the common case) keeps its attributes without a map.
 */
export type EvaluationContext = (
  | {
      readonly valid: true
      /** The kinds of a multi-kind context; undefined for a single-kind one (see `kindsOf`). */
      readonly kinds: readonly string[] | undefined
      /** The one kind of a single-kind context; undefined for a multi-kind one. */
      readonly kind: string | undefined
      readonly attributes: Attributes | undefined
      readonly parts: ReadonlyMap<string, Attributes> | undefined
      /** A single-kind context without a key, accepted with `allowMissingKey`. */
      readonly keyMissing: boolean
    }
  | { readonly valid: false; readonly message: string }
) & { readonly [PARSED]: true }

type Valid = EvaluationContext & { valid: true }

export type ParseContextOptions = {
  /**
   * Accept a single-kind context without a key (an anonymous browser, in OpenFeature terms). It
   * evaluates normally until a flag needs the key, which then answers TARGETING_KEY_MISSING.
   */
  allowMissingKey?: boolean
}

const KIND = /^(\w|\.|-)+$/
// Kinds already checked against KIND: a handful per deployment, so the set stays small
const KNOWN_KINDS = new Set<string>()

const isObject = (value: unknown): value is Attributes => typeof value === 'object' && value !== null

// The last kind checked: nearly every context has the same one, and comparing costs less than
// hashing it into the set
let lastKind = 'user'

const validKind = (kind: unknown): kind is string => {
  if (kind === lastKind) return true
  if (typeof kind !== 'string') return false
  if (!KNOWN_KINDS.has(kind)) {
    if (kind === 'kind' || !KIND.test(kind)) return false
    if (KNOWN_KINDS.size < 1000) KNOWN_KINDS.add(kind)
  }
  lastKind = kind
  return true
}

const validKey = (key: unknown) => typeof key === 'string' && key !== ''

const invalid = (message: string): EvaluationContext => ({ valid: false, message, [PARSED]: true })

const single = (kind: string, attributes: Attributes, keyMissing = false): EvaluationContext => ({
  valid: true,
  kinds: undefined,
  kind,
  attributes,
  parts: undefined,
  keyMissing,
  [PARSED]: true,
})

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
  return single('user', attributes)
}

const fromMultiKind = (context: Attributes): EvaluationContext => {
  const kinds = Object.keys(context).filter((name) => name !== 'kind')
  if (kinds.length === 0) return invalid('a multi-kind context must contain at least one kind')
  if (!kinds.every(validKind)) return invalid('the context contains an invalid kind')
  const parts = new Map<string, Attributes>()
  for (const kind of kinds) {
    const part = context[kind]
    if (!isObject(part)) return invalid(`the "${kind}" context is not an object`)
    if (!validKey(part.key)) return invalid(`the "${kind}" context has no valid key`)
    parts.set(kind, part)
  }
  if (kinds.length === 1) return single(kinds[0], parts.get(kinds[0])!)
  return { valid: true, kinds, kind: undefined, attributes: undefined, parts, keyMissing: false, [PARSED]: true }
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
  if (json.key === undefined && options.allowMissingKey) return single(kind, json, true)
  if (!validKey(json.key)) return invalid('the context key must be a non-empty string')
  return single(kind, json)
}

/** `context` if `parseContext` made it, else `context` parsed as LaunchDarkly context JSON. */
export const toEvaluationContext = (context: unknown): EvaluationContext =>
  isObject(context) && (context as { [PARSED]?: true })[PARSED] === true
    ? (context as EvaluationContext)
    : parseContext(context)

/** The attributes of the context of `kind`, if the context has that kind. */
export const attributesOf = (context: Valid, kind: string): Attributes | undefined =>
  context.parts === undefined ? (context.kind === kind ? context.attributes : undefined) : context.parts.get(kind)

export const hasKind = (context: Valid, kind: string) => attributesOf(context, kind) !== undefined

export const kindsOf = (context: Valid): readonly string[] => context.kinds ?? [context.kind!]

/**
 * The attribute `name` of `attributes`, own properties only. JSON never holds functions, so a
 * function found here is inherited (`toString`) and counts as absent; `__proto__`, the one
 * inherited non-function, must go through `valueOf` instead.
 */
export const attributeNamed = (attributes: Attributes, name: string): unknown => {
  const value = attributes[name]
  return typeof value === 'function' ? undefined : value
}

/** The key of the context of `kind`, if the context has that kind. */
export const keyOf = (context: Valid, kind: string) => {
  const attributes = attributesOf(context, kind)
  if (attributes === undefined) return undefined
  if (context.keyMissing) noteKeyMissing()
  return attributes.key as string | undefined
}

/**
 * The value `reference` points at in the context of `kind`. Arrays are values, never paths:
 * `/list/0` finds nothing, as in LaunchDarkly's SDKs.
 */
export const valueOf = (context: Valid, reference: AttributeReference, kind: string): unknown => {
  if (reference.isKind) return kindsOf(context)
  const attributes = attributesOf(context, kind)
  if (attributes === undefined || !reference.valid) return undefined
  const { components } = reference
  if (components.length === 1) {
    const name = components[0]
    if (context.keyMissing && name === 'key') noteKeyMissing()
    // `anonymous` is a boolean attribute whose absence means false
    if (name === 'anonymous') return Boolean(attributes.anonymous)
    return Object.hasOwn(attributes, name) ? attributes[name] : undefined
  }
  let current: unknown = attributes
  for (const component of components) {
    if (!isObject(current) || Array.isArray(current) || !Object.hasOwn(current, component)) {
      return undefined
    }
    current = current[component]
  }
  return current
}
