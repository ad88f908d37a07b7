// DESIGN.md section 8: a context may carry at most 50 attributes, counted through nested
// objects and arrays, and at most 16 kinds.
export const MAX_CONTEXT_ATTRIBUTES = 50
export const MAX_CONTEXT_KINDS = 16

/**
 * Whether `value` holds more than `limit` attributes, counted through nested objects and arrays.
 * It gives up once past the limit: a body nested thousands deep (still under 64 KiB) is refused
 * without walking, or overflowing, it.
 */
export const exceedsAttributes = (value: unknown, limit: number): boolean => {
  let count = 0
  const pending: unknown[] = [value]
  while (pending.length > 0) {
    const next = pending.pop()
    if (typeof next !== 'object' || next === null) continue
    for (const child of Array.isArray(next) ? next : Object.values(next)) {
      count += 1
      if (count > limit) return true
      pending.push(child)
    }
  }
  return false
}
