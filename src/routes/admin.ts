import { Hono } from 'hono'
import type { AppEnv } from '../app-env'
import { ApiError } from '../errors'
import { adminToken } from '../middleware/admin-token'
import { jsonBody } from '../middleware/json-body'
import { KEY_KINDS } from '../model/api-key'
import { toIssues } from '../model/issues'
import * as z from '../model/zod'
import { shardCount } from '../hub/shards'
import { MAX_DAYS, parseDays, staleDaysOf } from '../insights/options'
import { environmentOf } from './environment-name'
import { history } from './history'
import { timetable } from './timetable'

/** The admin API (bearer ADMIN_TOKEN), mounted at /admin/v1/environments. */
export const admin = new Hono<AppEnv>()

const newKeySchema = z.strictObject({
  kind: z.enum(KEY_KINDS),
  name: z.string().check(z.minLength(1), z.maxLength(200)),
  /** Register this exact key instead of generating one (how `npm run dev` installs its dev keys). */
  key: z.optional(z.string().check(z.minLength(8), z.maxLength(256))),
})

admin.use('*', adminToken())
admin.route('/', history)
admin.route('/', timetable)

admin.get('/:env', async (c) => {
  const environment = environmentOf(c.req.param('env'))
  const status = await c.env.HUB.getByName(environment).status(environment, { shards: shardCount(c.env.HUB_SHARDS) })
  if (status === undefined) throw new ApiError(404, 'environment_not_found', `Environment "${environment}" has no changes yet`)
  return c.json(status)
})

admin.post('/:env/keys', jsonBody({ maxBytes: 16 * 1024 }), async (c) => {
  const environment = environmentOf(c.req.param('env'))
  const parsed = newKeySchema.safeParse(c.get('body'))
  if (!parsed.success) throw new ApiError(400, 'invalid_request', 'The key request is invalid', toIssues(parsed.error))
  const created = await c.env.HUB.getByName(environment).createKey(environment, parsed.data)
  if (created.conflict) throw new ApiError(409, 'key_conflict', 'That key already belongs to another environment')
  const { created: isNew, conflict: _, ...key } = created
  return c.json({ environment, ...key }, isNew ? 201 : 200)
})

admin.get('/:env/keys', async (c) => {
  const environment = environmentOf(c.req.param('env'))
  return c.json({ environment, keys: await c.env.HUB.getByName(environment).listKeys() })
})

admin.delete('/:env/keys/:id', async (c) => {
  const environment = environmentOf(c.req.param('env'))
  const outcome = await c.env.HUB.getByName(environment).revokeKey(c.req.param('id'))
  if (outcome === 'not_found') throw new ApiError(404, 'key_not_found', `No key "${c.req.param('id')}" in "${environment}"`)
  if (outcome === 'unavailable') {
    throw new ApiError(503, 'unavailable', 'KV refused the revocation; the key still works and is still listed: try again', [], 5)
  }
  return c.body(null, 204)
})

// Flag insights: evaluations per flag over the last `days` (default 7), and which flags can go
admin.get('/:env/insights', async (c) => {
  const environment = environmentOf(c.req.param('env'))
  const days = parseDays(c.req.query('days'))
  if (days === undefined) {
    throw new ApiError(400, 'invalid_days', `days must be a whole number from 1 to ${MAX_DAYS}`, [{ path: 'days', message: `1 to ${MAX_DAYS}` }])
  }
  const report = await c.env.HUB.getByName(environment).insights(environment, { days, staleDays: staleDaysOf(c.env.STALE_DAYS) })
  if (report === undefined) throw new ApiError(404, 'environment_not_found', `Environment "${environment}" has no changes yet`)
  return c.json(report)
})
