import { Hono, type Context } from 'hono'
import type { AppEnv } from '../app-env'
import { ApiError } from '../errors'
import type { Hub } from '../hub/hub'
import type { TimetableCall } from '../hub/timetable'
import { jsonBody } from '../middleware/json-body'
import { toIssues } from '../model/issues'
import { parseWebhook } from '../model/webhook'
import * as z from '../model/zod'
import { environmentOf } from './environment-name'

/**
 * Scheduled changes and progressive rollouts (mounted with the admin API, behind its token), run
 * by the environment's Hub on its alarm (src/hub/timetable.ts).
 */
export const timetable = new Hono<AppEnv>()

const scheduleSchema = z.strictObject({
  at: z.iso.datetime({ offset: true }),
  /** A webhook body without `environment` (and without `version`: the Hub picks it when it applies). */
  change: z.looseObject({}),
  actor: z.optional(z.string().check(z.minLength(1), z.maxLength(200))),
  note: z.optional(z.string().check(z.maxLength(1000))),
})

const rolloutSchema = z.strictObject({
  flag: z.string().check(z.minLength(1)),
  variation: z.int().check(z.minimum(0)),
  baseline: z.optional(z.int().check(z.minimum(0))),
  steps: z
    .array(z.strictObject({ percent: z.number().check(z.gt(0), z.lte(100)), after: z.int().check(z.minimum(0), z.maximum(366 * 24 * 3600)) }))
    .check(z.minLength(1), z.maxLength(100)),
  actor: z.optional(z.string().check(z.minLength(1), z.maxLength(200))),
})

// Typed here rather than through the stub: RPC's serialisation types recurse without end on JSON values
const call = async (c: Context<AppEnv>, request: TimetableCall) => {
  const environment = environmentOf(c.req.param('env') ?? '')
  const hub = c.env.HUB.getByName(environment) as unknown as Pick<Hub, 'timetable'>
  const answer = (await hub.timetable(environment, request)) as unknown
  if (answer === undefined) throw new ApiError(404, 'environment_not_found', `Environment "${environment}" has no changes yet`)
  const refusal = answer as { status?: 400 | 404 | 409; code?: string; message?: string }
  if (typeof refusal.status === 'number' && refusal.code !== undefined) throw new ApiError(refusal.status, refusal.code, refusal.message ?? '')
  return answer
}

const body = <T>(c: Context<AppEnv>, schema: z.ZodMiniType<T>, what: string): T => {
  const parsed = schema.safeParse(c.get('body'))
  if (!parsed.success) throw new ApiError(400, 'invalid_request', `The ${what} is invalid`, toIssues(parsed.error))
  return parsed.data
}

timetable.post('/:env/schedules', jsonBody({ maxBytes: 1024 * 1024 }), async (c) => {
  const { at, change, actor = 'admin', note } = body(c, scheduleSchema, 'schedule')
  const environment = environmentOf(c.req.param('env'))
  if ('environment' in change || 'version' in change) {
    throw new ApiError(400, 'invalid_request', 'The change names neither environment nor version: the path and the Hub choose them')
  }
  const parsed = parseWebhook({ op: 'patch', ...change, environment })
  if (!parsed.ok) throw new ApiError(400, 'invalid_change', 'The change is invalid', parsed.errors)
  const { op, flags, segments } = parsed.change
  const request = { at: Date.parse(at), change: { op, flags, segments }, actor, ...(note === undefined ? {} : { note }) }
  return c.json(await call(c, { op: 'schedule', request }), 201)
})

timetable.get('/:env/schedules', async (c) => c.json({ schedules: await call(c, { op: 'schedules' }) }))

timetable.delete('/:env/schedules/:id', async (c) => c.json(await call(c, { op: 'cancel-schedule', id: c.req.param('id') })))

timetable.post('/:env/rollouts', jsonBody({ maxBytes: 16 * 1024 }), async (c) => {
  const { actor = 'admin', ...request } = body(c, rolloutSchema, 'rollout')
  return c.json(await call(c, { op: 'rollout', request: { ...request, actor } }), 201)
})

timetable.get('/:env/rollouts', async (c) => c.json({ rollouts: await call(c, { op: 'rollouts' }) }))

for (const action of ['pause', 'resume', 'cancel'] as const) {
  timetable.post(`/:env/rollouts/:id/${action}`, async (c) => c.json(await call(c, { op: action, id: c.req.param('id') })))
}
