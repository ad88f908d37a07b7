import { describe, expect, it } from 'vitest'
import { parseAttributeReference } from '../../../src/evaluation/attribute-reference'

describe('parseAttributeReference', () => {
  it.each([
    ['name', ['name']],
    ['/name', ['name']],
    ['/address/city', ['address', 'city']],
    ['/a~1b', ['a/b']],
    ['/a~0b', ['a~b']],
    ['/~01', ['~1']],
    ['kind', ['kind']],
    // LaunchDarkly's JavaScript SDKs accept a trailing slash (an empty last component that
    // matches nothing); we follow the SDK we are checked against
    ['/a/', ['a', '']],
  ])('reads %j as %j', (text, components) => {
    expect(parseAttributeReference(text)).toMatchObject({ valid: true, components })
  })

  it.each(['', '/', '//', '/a//b', '/a~2', '/a~', 'a~', '/_meta', '/_meta/x'])(
    'refuses %j',
    (text) => {
      expect(parseAttributeReference(text).valid).toBe(false)
    },
  )

  it('takes a literal name as one component, slashes and all', () => {
    expect(parseAttributeReference('/a/b', true)).toMatchObject({ valid: true, components: ['/a/b'] })
    expect(parseAttributeReference('', true).valid).toBe(false)
  })

  it('marks only the bare kind attribute as the kind reference', () => {
    expect(parseAttributeReference('kind').isKind).toBe(true)
    expect(parseAttributeReference('/kind').isKind).toBe(true)
    expect(parseAttributeReference('/kind/x').isKind).toBe(false)
  })
})
