import { Hono } from 'hono'
import type { AppEnv } from '../app-env'
import { ApiError } from '../errors'
import type { Hub } from '../hub/hub'
import { shardCount } from '../hub/shards'
import { jsonBody } from '../middleware/json-body'
import { toIssues } from '../model/issues'
import * as z from '../model/zod'
import { adoptEverywhereHere } from '../store/rulesets'
import { environmentOf } from './environment-name'

/**
 * Change history and rollback (mounted with the admin API, behind its token): what changed when
 * and by whom, and one call to serve an earlier version's flags and segments again.
 */
export const history = new Hono<AppEnv>()

const MAX_LIMIT = 200

const positive = (text: string | undefined, name: string, fallback?: number) => {
  if (text === undefined) return fallback
  const value = Number(text)
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new ApiError(400, 'invalid_request', `${name} must be a whole number above 0`, [{ path: name, message: 'must be a whole number above 0' }])
  }
  return value
}

// Typed here rather than through the stub: RPC's serialisation types recurse without end on JSON values
const hubOf = (env: AppEnv['Bindings'], environment: string) =>
  env.HUB.getByName(environment) as unknown as Pick<Hub, 'changes' | 'change' | 'rollback'>

history.get('/:env/changes', async (c) => {
  const environment = environmentOf(c.req.param('env'))
  const limit = Math.min(positive(c.req.query('limit'), 'limit', 50)!, MAX_LIMIT)
  const before = positive(c.req.query('before'), 'before')
  const changes = await hubOf(c.env, environment).changes(environment, { limit, before })
  return c.json({ environment, changes })
})

history.get('/:env/changes/:version', async (c) => {
  const environment = environmentOf(c.req.param('env'))
  const version = positive(c.req.param('version'), 'version')!
  const change = await hubOf(c.env, environment).change(environment, version)
  if (change === undefined) throw new ApiError(404, 'version_not_found', `History holds no version ${version} of "${environment}"`)
  return c.json({ environment, ...change })
})

const rollbackSchema = z.strictObject({
  toVersion: z.int().check(z.minimum(1)),
  expectedVersion: z.int().check(z.minimum(0)),
  actor: z.optional(z.string().check(z.minLength(1), z.maxLength(200))),
})

history.post('/:env/rollback', jsonBody({ maxBytes: 16 * 1024 }), async (c) => {
  const environment = environmentOf(c.req.param('env'))
  const parsed = rollbackSchema.safeParse(c.get('body'))
  if (!parsed.success) throw new ApiError(400, 'invalid_request', 'The rollback request is invalid', toIssues(parsed.error))
  const { toVersion, expectedVersion, actor = 'admin' } = parsed.data
  const shards = shardCount(c.env.HUB_SHARDS)
  const result = await hubOf(c.env, environment).rollback(environment, { toVersion, expectedVersion, actor, shards })
  if (result.rejection !== undefined || result.response === undefined) {
    const { status, code, message, details } = result.rejection ?? { status: 500 as const, code: 'internal', message: 'The Hub gave no answer', details: [] }
    throw new ApiError(status, code, message, details)
  }
  if (result.ruleset !== undefined) adoptEverywhereHere(environment, result.ruleset, c.executionCtx)
  return c.json({ ...result.response, rolledBackTo: toVersion })
})
