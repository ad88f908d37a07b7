import { Hono } from 'hono'
import type { AppEnv } from '../app-env'
import { ApiError } from '../errors'
import { evaluateFlag } from '../evaluation'
import { apiKey } from '../middleware/api-key'
import { jsonBody } from '../middleware/json-body'
import { readOfrepContext } from '../ofrep/context'
import { renderOfrepError } from '../ofrep/errors'
import { audienceOf, ofrepFailure, toOfrep } from '../ofrep/response'
import { visibleTo } from '../ofrep/visibility'
import { storeSources } from '../store/from-context'
import { readRuleset } from '../store/rulesets'
import { tallyFor } from '../insights/worker'

/**
 * OFREP evaluation (https://openfeature.dev/specification/appendix-c), mounted at /ofrep/v1. The
 * bulk route is `ofrepBulk` (routes/ofrep-bulk.ts), which the app serves ahead of this router.
 */
export const ofrep = new Hono<AppEnv>()

ofrep.use(
  '*',
  apiKey({ kinds: ['client', 'mobile', 'server'] }),
  jsonBody({ maxBytes: 64 * 1024, emptyAs: {} }),
)

ofrep.post('/evaluate/flags/:key', async (c) => {
  const flagKey = c.req.param('key')
  const key = c.get('apiKey')
  const { context } = readOfrepContext(c.get('body'))
  const ruleset = await readRuleset(key.environment, storeSources(c))
  const flag = ruleset.compiled.flags.get(flagKey)
  // a flag the key may not see answers exactly like one that does not exist
  if (flag === undefined || !visibleTo(key.kind)(flag)) {
    return c.json(ofrepFailure(flagKey, 'FLAG_NOT_FOUND', `No flag "${flagKey}" is available to this key`), 404)
  }
  const result = evaluateFlag(ruleset.compiled, flagKey, context)
  tallyFor(c.env, c.executionCtx, ruleset)?.countFlag(flagKey, result.variationIndex)
  const answer = toOfrep(flag, result, audienceOf(key.kind))
  if ('errorCode' in answer) return c.json(answer, answer.errorCode === 'FLAG_NOT_FOUND' ? 404 : 400)
  return c.json(answer)
})

// anything else under /ofrep/v1, once the key and body passed, answers in OFREP's shape too
ofrep.all('*', (c) => {
  throw new ApiError(404, 'not_found', `No OFREP route for ${c.req.method} ${new URL(c.req.url).pathname}`)
})

ofrep.onError(renderOfrepError)
