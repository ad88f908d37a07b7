import type { LoadedRuleset } from '../store/rulesets'
import { addCount, DEFAULT_VARIATION, type Counts } from './counts'

/**
 * Where a ruleset's counts go: one slot per flag and variation in a flat array, flags in the
 * ruleset's order (the order `compiled.flags.values()` gives). A flag's first slot counts
 * "default" (no variation served), the next ones its variations.
 */
type Layout = {
  readonly keys: readonly string[]
  /** Where each flag's slots start; one entry more than there are flags, for the end. */
  readonly offsets: Int32Array
  /** Flag key → position, made on first use (only single-flag routes need it). */
  positions: Map<string, number> | undefined
}

const layouts = new WeakMap<LoadedRuleset, Layout>()

// Widths come from the stored flags, so laying out a ruleset compiles none of them
const layoutOf = (ruleset: LoadedRuleset): Layout => {
  let layout = layouts.get(ruleset)
  if (layout !== undefined) return layout
  const keys = [...ruleset.compiled.flags.keys()]
  const offsets = new Int32Array(keys.length + 1)
  keys.forEach((key, position) => {
    const variations = Object.hasOwn(ruleset.stored.flags, key) ? ruleset.stored.flags[key].variations?.length ?? 0 : 0
    offsets[position + 1] = offsets[position] + 1 + variations
  })
  layout = { keys, offsets, positions: undefined }
  layouts.set(ruleset, layout)
  return layout
}

/**
 * The code of an evaluation that served `variationIndex`. What one bulk answer served is kept as
 * one code per flag in the ruleset's order: 0 for a flag not evaluated (not visible to the key),
 * 1 for "default", 2 + i for variation i. Bulk answers fill a Uint16Array and count it; the
 * rendered-answer cache keeps it as text before the answer (`servedText`), a character a flag.
 */
export const servedCode = (variationIndex: number | null) => (variationIndex === null ? 1 : variationIndex + 2)

/** `served` for its first `count` flags as text, one character per flag. */
export const servedText = (served: Uint16Array, count: number) => {
  let text = ''
  // in slices: a call's arguments are limited
  for (let start = 0; start < count; start += 4096) {
    text += String.fromCharCode(...served.subarray(start, Math.min(count, start + 4096)))
  }
  return text
}

/** One ruleset's counts in one flush window of one isolate. */
export class RulesetTally {
  readonly ruleset: LoadedRuleset
  readonly #layout: Layout
  readonly #counts: Float64Array
  #empty = true

  constructor(ruleset: LoadedRuleset) {
    this.ruleset = ruleset
    this.#layout = layoutOf(ruleset)
    this.#counts = new Float64Array(this.#layout.offsets[this.#layout.keys.length])
  }

  #add(position: number, code: number) {
    const slot = this.#layout.offsets[position] + code - 1
    // a variation index past the flag's variations cannot be served; never count into a neighbour
    if (slot < this.#layout.offsets[position + 1]) this.#counts[slot] += 1
  }

  /** Counts a bulk answer from its codes. */
  countServed(served: Uint16Array) {
    const flags = this.#layout.keys.length
    for (let position = 0; position < flags; position++) {
      const code = served[position]
      if (code !== 0) this.#add(position, code)
    }
    this.#empty = false
  }

  /** Counts a cached bulk answer from its `servedText`. */
  countServedText(text: string) {
    const flags = Math.min(this.#layout.keys.length, text.length)
    for (let position = 0; position < flags; position++) {
      const code = text.charCodeAt(position)
      if (code !== 0) this.#add(position, code)
    }
    this.#empty = false
  }

  /** Counts one evaluation of the flag `key`. */
  countFlag(key: string, variationIndex: number | null) {
    const layout = this.#layout
    layout.positions ??= new Map(layout.keys.map((flag, position) => [flag, position]))
    const position = layout.positions.get(key)
    if (position === undefined) return
    this.#add(position, servedCode(variationIndex))
    this.#empty = false
  }

  /** Adds what was counted into `counts`. */
  addTo(counts: Counts) {
    if (this.#empty) return
    const { keys, offsets } = this.#layout
    keys.forEach((key, position) => {
      for (let slot = offsets[position]; slot < offsets[position + 1]; slot++) {
        const count = this.#counts[slot]
        if (count === 0) continue
        const index = slot - offsets[position]
        addCount(counts, key, index === 0 ? DEFAULT_VARIATION : String(index - 1), count)
      }
    })
  }
}
