import type { FlagStates } from './flags'
import { canonicalJson } from './json'
import type { EvaluationContext, FlagStorage } from './types'

/**
 * The storage entry for one base URL, key and context. The context is canonical JSON, so the
 * same attributes in another order find the same entry, and another context never does.
 */
export const storageKey = (baseUrl: string, key: string, context: EvaluationContext) =>
  `edgeflags:${baseUrl}:${key}:${canonicalJson(context)}`

/**
 * Last-known states from storage, marked `CACHED`; undefined when there are none or the entry
 * is not a JSON object (a corrupt entry is ignored, not fatal). Storage errors reject.
 */
export const readStored = async (storage: FlagStorage, entry: string): Promise<FlagStates | undefined> => {
  const text = await storage.getItem(entry)
  let stored: unknown
  try {
    stored = JSON.parse(text ?? '')
  } catch {
    return undefined
  }
  if (stored === null || typeof stored !== 'object' || Array.isArray(stored)) return undefined
  const states: FlagStates = {}
  for (const [key, state] of Object.entries(stored)) {
    if (state === null || typeof state !== 'object') continue
    states[key] = 'value' in state ? { ...state, reason: 'CACHED' } : state
  }
  return states
}

/** Writes states to storage; errors (quota, private mode) reject for the caller to log. */
export const writeStored = async (storage: FlagStorage, entry: string, states: FlagStates) => {
  await storage.setItem(entry, JSON.stringify(states))
}

/** Values go to storage this long after the last change, so a burst is written once. */
export const PERSIST_MS = 200

/**
 * Debounced writes: `schedule` keeps only the newest entry and states, written after PERSIST_MS
 * or at `flush`. The entry is taken when scheduled: identify may change it before the write.
 */
export const createPersister = (storage: FlagStorage, report: (error: unknown) => void) => {
  let timer: ReturnType<typeof setTimeout> | undefined
  let pending: (() => void) | undefined
  const flush = () => {
    clearTimeout(timer)
    const write = pending
    pending = undefined
    write?.()
  }
  return {
    schedule(entry: string, states: FlagStates) {
      clearTimeout(timer)
      pending = () => void writeStored(storage, entry, states).catch(report)
      timer = setTimeout(flush, PERSIST_MS)
    },
    flush,
  }
}
