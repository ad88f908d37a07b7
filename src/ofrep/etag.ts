/**
 * Whether an `If-None-Match` header names `etag` (RFC 9110 section 13.1.2: a list of entity
 * tags, or `*`, compared weakly).
 */
export const matchesEtag = (header: string | undefined, etag: string) => {
  if (header === undefined) return false
  const strip = (tag: string) => tag.trim().replace(/^W\//, '')
  const wanted = strip(etag)
  return header.split(',').some((tag) => tag.trim() === '*' || strip(tag) === wanted)
}
