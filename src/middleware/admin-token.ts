import { createMiddleware } from 'hono/factory'
import type { AppEnv } from '../app-env'
import { ApiError } from '../errors'

const BEARER = /^Bearer\s+(.+)$/i

// Compares in time that depends only on the lengths, so the token cannot be guessed byte by byte
const sameText = (a: string, b: string) => {
  const x = new TextEncoder().encode(a)
  const y = new TextEncoder().encode(b)
  let difference = x.length ^ y.length
  for (let i = 0; i < Math.max(x.length, y.length); i += 1) difference |= (x[i] ?? 0) ^ (y[i] ?? 0)
  return difference === 0
}

/**
 * Lets through requests that carry `Authorization: Bearer <ADMIN_TOKEN>`.
 *
 * @example admin.use('*', adminToken())
 */
export const adminToken = () =>
  createMiddleware<AppEnv>(async function adminToken(c, next) {
    const expected = c.env.ADMIN_TOKEN
    if (!expected) throw new ApiError(503, 'not_configured', 'The admin API is off: set the ADMIN_TOKEN secret')
    const given = BEARER.exec(c.req.header('Authorization') ?? '')?.[1].trim()
    if (!given) throw new ApiError(401, 'missing_token', 'Send the admin token as "Authorization: Bearer <token>"')
    if (!sameText(given, expected)) throw new ApiError(401, 'invalid_token', 'The admin token is wrong')
    await next()
  })
