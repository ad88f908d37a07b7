/**
 * A copy of `value` without null-valued object properties, at any depth. LaunchDarkly's SDKs read
 * flag JSON this way (`"offVariation": null` means no off variation), so doing it before the
 * schema gives `null` and "absent" one meaning. Nulls inside arrays are values (`"values": [null]`)
 * and stay, as does everything under `keep` at the top level (a flag's `variations`).
 */
export const withoutNulls = (value: unknown, keep: readonly string[] = []): unknown => {
  if (Array.isArray(value)) return value.map((item) => withoutNulls(item))
  if (typeof value !== 'object' || value === null) return value
  const out: Record<string, unknown> = {}
  for (const [key, item] of Object.entries(value)) {
    if (keep.includes(key)) out[key] = item
    else if (item !== null) out[key] = withoutNulls(item)
  }
  return out
}
