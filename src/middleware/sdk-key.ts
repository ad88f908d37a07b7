import { createMiddleware } from 'hono/factory'
import type { AppEnv } from '../app-env'
import { ApiError } from '../errors'
import { sdkKeyIn } from '../launchdarkly/credentials'
import type { KeyKind } from '../model/api-key'
import { readApiKey } from '../store/api-keys'
import { storeSources } from '../store/from-context'
import { authenticate } from './api-key'

/**
 * Authenticates a mobile or server SDK by the key in `Authorization` (see `sdkKeyIn`) and leaves
 * its record in `c.get('apiKey')`. Only `kind` may pass: each LaunchDarkly path belongs to one
 * kind of SDK, as its keys do.
 */
export const sdkKey = (kind: KeyKind) => {
  const allowed = new Set<KeyKind>([kind])
  return createMiddleware<AppEnv>(async function sdkKey(c, next) {
    const key = sdkKeyIn(c.req.raw.headers)
    if (!key) throw new ApiError(401, 'missing_key', `Send the ${kind} key as "Authorization: <key>", as LaunchDarkly's SDKs do`)
    c.set('apiKey', await authenticate(key, allowed, storeSources(c)))
    await next()
  })
}

/**
 * The client-side id in the path (`:envId`), which must be a client key: anything else is 404,
 * as LaunchDarkly answers an unknown environment, so its browser SDK says "environment not
 * found" and a public URL never confirms that some other kind of key exists.
 */
export const clientSideId = createMiddleware<AppEnv>(async function clientSideId(c, next) {
  const id = c.req.param('envId')
  const record = id ? await readApiKey(id, storeSources(c)) : null
  if (record?.kind !== 'client') {
    throw new ApiError(404, 'unknown_environment', 'No environment has this client-side ID (an edgeflags client key)')
  }
  c.set('apiKey', record)
  await next()
})
