/**
 * A least-recently-used cache of strings bounded by their total length, for answers an isolate
 * renders again and again (the same anonymous context, a reload without an ETag). Memory stays
 * within `maxChars` (about two bytes a character) however large single answers get.
 */
export const lruStrings = ({ maxEntries, maxChars }: { maxEntries: number; maxChars: number }) => {
  const entries = new Map<string, string>()
  let chars = 0

  const evict = () => {
    while (entries.size > maxEntries || chars > maxChars) {
      const [oldest, value] = entries.entries().next().value as [string, string]
      entries.delete(oldest)
      chars -= value.length
    }
  }

  return {
    get(key: string): string | undefined {
      const value = entries.get(key)
      if (value === undefined) return undefined
      // move to the young end
      entries.delete(key)
      entries.set(key, value)
      return value
    },
    set(key: string, value: string) {
      if (value.length > maxChars) return
      const previous = entries.get(key)
      if (previous !== undefined) {
        entries.delete(key)
        chars -= previous.length
      }
      entries.set(key, value)
      chars += value.length
      evict()
    },
    get size() {
      return entries.size
    },
    clear() {
      entries.clear()
      chars = 0
    },
  }
}
