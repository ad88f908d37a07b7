import { createMiddleware } from 'hono/factory'
import type { AppEnv } from '../app-env'
import { ApiError } from '../errors'

export type JsonBodyOptions = {
  /** Largest accepted body in bytes; larger bodies get 413. */
  maxBytes: number
  /** What an empty body means. Default: an empty body is an error. */
  emptyAs?: unknown
}

const JSON_TYPE = /^application\/(.+\+)?json\s*(;|$)/i

const tooLarge = (maxBytes: number) => new ApiError(413, 'payload_too_large', `The body exceeds ${maxBytes} bytes`)

// A body without a Content-Length is counted as it streams, so it cannot get more in than the
// limit; with one, the runtime's own read is much cheaper (a JS reader cost more than all of the
// rest of a request), and the bytes are counted after (a lying Content-Length does not help).
const readStream = async (body: ReadableStream<Uint8Array>, maxBytes: number): Promise<string> => {
  const chunks: Uint8Array[] = []
  let size = 0
  const reader = body.getReader()
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    size += value.byteLength
    if (size > maxBytes) {
      await reader.cancel()
      throw tooLarge(maxBytes)
    }
    chunks.push(value)
  }
  const bytes = new Uint8Array(size)
  let offset = 0
  for (const chunk of chunks) {
    bytes.set(chunk, offset)
    offset += chunk.byteLength
  }
  return new TextDecoder().decode(bytes)
}

// a UTF-8 character is one to three bytes per UTF-16 unit: most texts need no encoding to tell
const utf8Exceeds = (text: string, maxBytes: number) =>
  text.length > maxBytes || (text.length * 3 > maxBytes && new TextEncoder().encode(text).length > maxBytes)

const readText = async (request: Request, maxBytes: number): Promise<string> => {
  const declared = request.headers.get('Content-Length')
  if (declared === null) return request.body === null ? '' : readStream(request.body, maxBytes)
  if (Number(declared) > maxBytes) throw tooLarge(maxBytes)
  const text = await request.text()
  if (utf8Exceeds(text, maxBytes)) throw tooLarge(maxBytes)
  return text
}

/**
 * A request's JSON body: 413 beyond `maxBytes` (counted as the body streams), 415 for another
 * content type, 400 for JSON that does not parse; `emptyAs` for an empty body when given.
 */
export const readJsonBody = async (request: Request, { maxBytes, emptyAs }: JsonBodyOptions): Promise<unknown> => {
  if (!JSON_TYPE.test(request.headers.get('Content-Type') ?? '')) {
    throw new ApiError(415, 'unsupported_media_type', 'Send the body as Content-Type: application/json')
  }
  const text = await readText(request, maxBytes)
  if (text.trim() === '' && emptyAs !== undefined) return emptyAs
  try {
    return JSON.parse(text)
  } catch (error) {
    throw new ApiError(400, 'parse_error', `The body is not valid JSON: ${(error as Error).message}`)
  }
}

/** Reads the JSON body (see `readJsonBody`) into `c.get('body')`. */
export const jsonBody = (options: JsonBodyOptions) =>
  createMiddleware<AppEnv>(async function jsonBody(c, next) {
    c.set('body', await readJsonBody(c.req.raw, options))
    await next()
  })
