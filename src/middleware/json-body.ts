import { createMiddleware } from 'hono/factory'
import { bodyLimit } from 'hono/body-limit'
import type { AppEnv } from '../app-env'
import { ApiError } from '../errors'

export type JsonBodyOptions = {
  /** Largest accepted body in bytes; larger bodies get 413. */
  maxBytes: number
  /** What an empty body means. Default: an empty body is an error. */
  emptyAs?: unknown
}

const JSON_TYPE = /^application\/(.+\+)?json\s*(;|$)/i

/**
 * Reads a JSON request body into `c.get('body')`: 413 beyond `maxBytes` (checked while the body
 * streams, so a lying Content-Length does not help), 415 for another content type, 400 for JSON
 * that does not parse.
 */
export const jsonBody = ({ maxBytes, emptyAs }: JsonBodyOptions) => {
  const limit = bodyLimit({
    maxSize: maxBytes,
    onError: () => {
      throw new ApiError(413, 'payload_too_large', `The body exceeds ${maxBytes} bytes`)
    },
  })
  return createMiddleware<AppEnv>(async function jsonBody(c, next) {
    const type = c.req.header('Content-Type') ?? ''
    if (!JSON_TYPE.test(type)) {
      throw new ApiError(415, 'unsupported_media_type', 'Send the body as Content-Type: application/json')
    }
    await limit(c, async () => {
      const text = await c.req.text()
      // the streaming limit trusts a Content-Length it is given; the bytes themselves do not lie
      // (a character is at most three bytes of UTF-8, so short texts need no encoding to tell)
      if (text.length * 3 > maxBytes && new TextEncoder().encode(text).length > maxBytes) {
        throw new ApiError(413, 'payload_too_large', `The body exceeds ${maxBytes} bytes`)
      }
      if (text.trim() === '' && emptyAs !== undefined) {
        c.set('body', emptyAs)
      } else {
        try {
          c.set('body', JSON.parse(text))
        } catch (error) {
          throw new ApiError(400, 'parse_error', `The body is not valid JSON: ${(error as Error).message}`)
        }
      }
      await next()
    })
  })
}
