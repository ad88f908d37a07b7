/**
 * A parsed attribute reference: `/a/b` addresses `b` inside `a`, and `~1`, `~0` escape `/`, `~`
 * (LaunchDarkly's SDK spec, "attribute references"). Clauses without a `contextKind` predate
 * references, so their attribute is a literal name, even when it starts with a slash.
 */
export type AttributeReference = {
  readonly valid: boolean
  readonly components: readonly string[]
  /** The reference is exactly `kind`: it reads the context's kinds, not an attribute. */
  readonly isKind: boolean
}

// The same test LaunchDarkly's JavaScript SDKs make: no empty component, no escape other than
// `~0`/`~1` in a slash reference, and no trailing `~` in any reference.
const INVALID = /\/\/|(^\/.*~[^0|^1])|~$/

const unescape = (component: string) => component.replace(/~1/g, '/').replace(/~0/g, '~')

const make = (components: string[], valid: boolean): AttributeReference => ({
  valid,
  components,
  isKind: valid && components.length === 1 && components[0] === 'kind',
})

export const INVALID_REFERENCE = make([], false)

/** Parses `text` as a reference, or as a literal attribute name when `literal` is set. */
export const parseAttributeReference = (text: string, literal = false): AttributeReference => {
  if (literal) return make([text], text !== '')
  if (text === '' || text === '/' || INVALID.test(text)) return INVALID_REFERENCE
  const components = text.startsWith('/') ? text.slice(1).split('/').map(unescape) : [text]
  // `_meta` holds private-attribute settings, which are not addressable
  return make(components, components[0] !== '_meta')
}

export const KEY_REFERENCE = parseAttributeReference('key')
