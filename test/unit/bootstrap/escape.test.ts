import { describe, expect, it } from 'vitest'
import { jsonScript, scriptJson } from '../../../src/bootstrap/escape'

// Values that would end a <script> element, open a comment, or break older JavaScript parsers
const HOSTILE: [string, unknown][] = [
  ['a closing script tag', '</script><script>alert(1)</script>'],
  ['one in upper case with a space', '</SCRIPT >'],
  ['a comment opener', '<!-- <script>'],
  ['an ampersand entity', '&lt;&amp;'],
  ['line and paragraph separators', 'a\u2028b\u2029c'],
  ['a hostile key', { '</script>': '<b>' }],
]

describe('scriptJson', () => {
  it.each(HOSTILE)('leaves no <, >, & or separator for %s, and reads back the same', (_, value) => {
    const text = scriptJson({ value })
    expect(text).not.toMatch(/[<>&\u2028\u2029]/)
    expect(JSON.parse(text)).toEqual({ value })
  })

  it('wraps the JSON in one script element of type application/json', () => {
    expect(jsonScript('x', '</script>')).toBe('<script type="application/json" id="x">"\\u003c/script\\u003e"</script>')
  })
})
