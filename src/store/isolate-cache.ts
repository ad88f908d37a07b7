import type { StoreSources } from './sources'

type Entry<T> = { value: T; checkedAt: number; refreshing: boolean }

/**
 * Values kept for the life of an isolate, served at once and refreshed in the background once
 * older than `refreshMs`, so a warm request never waits on KV. Loads of a missing entry that
 * arrive together share one read. `maxEntries` bounds memory (the oldest entry goes first).
 */
export const isolateCache = <T>(maxEntries: number) => {
  const entries = new Map<string, Entry<T>>()
  const loading = new Map<string, Promise<T>>()

  const remember = (id: string, value: T, now: number) => {
    entries.delete(id)
    entries.set(id, { value, checkedAt: now, refreshing: false })
    if (entries.size > maxEntries) entries.delete(entries.keys().next().value as string)
    return value
  }

  const refresh = (id: string, entry: Entry<T>, sources: StoreSources, load: () => Promise<T>) => {
    entry.refreshing = true
    const work = load()
      .then((value) => void remember(id, value, sources.now()))
      .catch((error) => {
        // keep serving what we have; the next request past refreshMs tries again
        console.error(JSON.stringify({ event: 'refresh_failed', id, error: String(error) }))
        entry.checkedAt = sources.now()
      })
      .finally(() => {
        entry.refreshing = false
      })
    sources.waitUntil(work)
  }

  return {
    /**
     * The entry for `id`, loading it with `load` on a miss. `load` receives the value held so
     * far (on refresh) so it can keep it when the source has nothing newer.
     */
    get(id: string, sources: StoreSources, load: (current: T | undefined) => Promise<T>): Promise<T> {
      const entry = entries.get(id)
      if (entry !== undefined) {
        if (!entry.refreshing && sources.now() - entry.checkedAt >= sources.refreshMs) {
          refresh(id, entry, sources, () => load(entry.value))
        }
        return Promise.resolve(entry.value)
      }
      let pending = loading.get(id)
      if (pending === undefined) {
        pending = load(undefined).then((value) => remember(id, value, sources.now()))
        const settled = () => loading.delete(id)
        pending.then(settled, settled)
        loading.set(id, pending)
      }
      return pending
    },
    /** Replaces the entry now (a writer in this isolate knows the new value first). */
    set(id: string, value: T, now: number) {
      remember(id, value, now)
    },
    peek(id: string): T | undefined {
      return entries.get(id)?.value
    },
    /** Forgets everything: for tests, which share one isolate. */
    clear() {
      entries.clear()
      loading.clear()
    },
  }
}
