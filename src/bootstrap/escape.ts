// Inside <script>, the HTML parser ends the element at `</script` and treats `<!--` specially,
// whatever the JSON means; U+2028/U+2029 end lines in older JavaScript. Each is written as a
// JSON escape, which JSON.parse reads back as the same character: the text stays valid JSON and
// never contains `<`, `>` or `&`.
const UNSAFE = /[<>&\u2028\u2029]/g
const escapeOf = (char: string) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`

/** `value` as JSON that is safe as the text of a `<script type="application/json">` element. */
export const scriptJson = (value: unknown): string => JSON.stringify(value).replace(UNSAFE, escapeOf)

/** A `<script type="application/json">` element holding `value`, with the given `id`. */
export const jsonScript = (id: string, value: unknown): string =>
  `<script type="application/json" id="${id}">${scriptJson(value)}</script>`
