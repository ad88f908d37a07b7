/**
 * JSON text with object keys sorted at every level, so equal values give equal text whatever
 * order their keys came in (the server's, a bootstrap's, a stored copy's).
 */
export const canonicalJson = (value: unknown): string => {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`
  if (value === null || typeof value !== 'object') return JSON.stringify(value)
  const object = value as Record<string, unknown>
  return `{${Object.keys(object)
    .sort()
    .map((key) => `${JSON.stringify(key)}:${canonicalJson(object[key])}`)
    .join(',')}}`
}

/** Whether two values are the same JSON. */
export const sameJson = (a: unknown, b: unknown) => a === b || canonicalJson(a) === canonicalJson(b)
