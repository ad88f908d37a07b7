import { compileRuleset } from '../../../src/evaluation'
import { publishRuleset } from '../../../src/hub/published'
import type { Counts } from '../../../src/insights/counts'
import type { InsightsStorage } from '../../../src/insights/store'
import type { LoadedRuleset } from '../../../src/store/rulesets'
import { boolFlag } from '../../support/flags'

let serial = 0

/** A ruleset as an isolate serves it, with boolean flags named `keys` (or the flags given). */
export const loadedRuleset = (environment: string, flags: string[] | Record<string, unknown>): LoadedRuleset => {
  const json = Array.isArray(flags) ? Object.fromEntries(flags.map((key) => [key, boolFlag(key)])) : flags
  const stored = publishRuleset({ flags: json }, 1, '')
  serial += 1
  return { serial, environment, version: 1, stored, compiled: compileRuleset(stored) }
}

/** Counts as plain objects, to compare with toEqual. */
export const plain = (counts: Counts) => Object.fromEntries([...counts].map(([flag, byVariation]) => [flag, Object.fromEntries(byVariation)]))

/**
 * A Durable Object's synchronous KV storage in a Map: values are cloned on the way in and out
 * as the real one serialises them, and `list` honours prefix, start and end in key order.
 */
export const memoryStorage = () => {
  const map = new Map<string, unknown>()
  const storage: InsightsStorage = {
    get: <T>(key: string) => (map.has(key) ? (structuredClone(map.get(key)) as T) : undefined),
    put: (key, value) => void map.set(key, structuredClone(value)),
    delete: (key) => map.delete(key),
    list: <T>({ prefix = '', start, end }: SyncKvListOptions = {}) =>
      [...map.keys()]
        .filter((key) => key.startsWith(prefix) && (start === undefined || key >= start) && (end === undefined || key < end))
        .sort()
        .map((key) => [key, structuredClone(map.get(key)) as T] as [string, T]),
  }
  return { storage, map }
}
