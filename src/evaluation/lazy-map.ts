/** What a compiled ruleset offers of its flags and segments: a read-only map, filled lazily. */
export type Lookup<V> = {
  readonly size: number
  has(key: string): boolean
  get(key: string): V | undefined
  /** In the order the ruleset lists them. */
  keys(): IterableIterator<string>
  values(): IterableIterator<V>
  entries(): IterableIterator<[string, V]>
}

/**
 * A read-only map whose values are made from their sources on first read, so a ruleset of a
 * thousand flags costs a request only the flags it touches. `make` must not read this map
 * itself (references between items resolve when evaluation follows them), which keeps cycles
 * and chains deeper than the stack out of compilation.
 */
export class LazyMap<S, V> implements Lookup<V> {
  readonly #sources: ReadonlyMap<string, S>
  readonly #made = new Map<string, V>()
  readonly #make: (source: S) => V
  /** Every value in order, once something has asked for them all. */
  #all: V[] | undefined

  constructor(sources: ReadonlyMap<string, S>, make: (source: S) => V) {
    this.#sources = sources
    this.#make = make
  }

  get size() {
    return this.#sources.size
  }

  has(key: string) {
    return this.#sources.has(key)
  }

  get(key: string): V | undefined {
    const made = this.#made.get(key)
    if (made !== undefined) return made
    const source = this.#sources.get(key)
    if (source === undefined) return undefined
    const value = this.#make(source)
    this.#made.set(key, value)
    return value
  }

  keys() {
    return this.#sources.keys()
  }

  values(): IterableIterator<V> {
    this.#all ??= Array.from(this.#sources.keys(), (key) => this.get(key)!)
    return this.#all.values()
  }

  *entries(): IterableIterator<[string, V]> {
    for (const key of this.#sources.keys()) yield [key, this.get(key)!]
  }
}
