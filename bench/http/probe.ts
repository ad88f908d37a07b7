import { PATH, requestHeaders } from './requests'

/** A check of real responses before the load: their shape, and the body size the baseline copies. */

export type Probe = {
  /** The response of median size among the samples, served verbatim by the baseline. */
  body: string
  contentType: string
  bytes: number
  /** How many of the sampled contexts got a body unlike any other (the contexts matter). */
  distinct: number
  /** Every answer, in the order of the bodies sent. */
  texts: string[]
}

type OfrepBody = { flags?: { key: string; errorCode?: string }[] }

async function sample(url: URL, key: string, body: string, flagCount: number): Promise<Response> {
  const response = await fetch(new URL(PATH, url), { method: 'POST', headers: requestHeaders(key), body })
  const text = await response.clone().text()
  if (response.status !== 200) throw new Error(`expected 200, got ${response.status}: ${text.slice(0, 200)}`)
  const { flags = [] } = JSON.parse(text) as OfrepBody
  if (flags.length !== flagCount) throw new Error(`expected ${flagCount} flags, got ${flags.length}`)
  const failed = flags.find((flag) => flag.errorCode !== undefined)
  if (failed) throw new Error(`flag ${failed.key} answered ${failed.errorCode} for ${body}`)
  return response
}

/** Posts `bodies` one by one and fails unless every answer is 200 with `flagCount` clean flags. */
export async function probe(url: URL, key: string, bodies: string[], flagCount: number): Promise<Probe> {
  const texts: string[] = []
  let contentType = ''
  for (const body of bodies) {
    const response = await sample(url, key, body, flagCount)
    contentType = response.headers.get('content-type') ?? ''
    texts.push(await response.text())
  }
  const bySize = [...texts].sort((a, b) => Buffer.byteLength(a) - Buffer.byteLength(b))
  const median = bySize[Math.floor(bySize.length / 2)]
  return { body: median, contentType, bytes: Buffer.byteLength(median), distinct: new Set(texts).size, texts }
}
