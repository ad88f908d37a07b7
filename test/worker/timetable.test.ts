import { env } from 'cloudflare:workers'
import { abortAllDurableObjects, runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { compileRuleset, evaluateAll } from '../../src/evaluation'
import type { Hub } from '../../src/hub/hub'
import { MAX_PENDING, type Schedule } from '../../src/hub/timetable'
import type { Rollout } from '../../src/hub/rollouts'
import { publishRuleset } from '../../src/hub/published'
import { adminRequest, boolFlag, environmentName, sendWebhook } from './support/webhook'

// Scheduled changes and progressive rollouts, run by the Hub's alarm (src/hub/timetable.ts), with
// the Hub's clock set by the test: `hub.now` stands for time passing, runDurableObjectAlarm for
// the alarm firing.

const HOUR = 60 * 60 * 1000

const post = (environment: string, path: string, body?: unknown) =>
  adminRequest(`/${environment}${path}`, { method: 'POST', ...(body === undefined ? {} : { body: JSON.stringify(body) }) })

/** Lets `ms` pass on the Hub's clock (from now), then fires its alarm. */
const fireAt = async (environment: string, at: number) => {
  const stub = env.HUB.getByName(environment)
  await runInDurableObject(stub, (hub: Hub) => {
    hub.now = () => at
  })
  await runDurableObjectAlarm(stub)
}

const flagsOf = async (environment: string) => {
  const stub = env.HUB.getByName(environment)
  return runInDurableObject(stub, (hub: Hub) => hub.snapshot(environment))
}

const schedules = async (environment: string) =>
  (await (await adminRequest(`/${environment}/schedules`)).json<{ schedules: Schedule[] }>()).schedules

const rollouts = async (environment: string) =>
  (await (await adminRequest(`/${environment}/rollouts`)).json<{ rollouts: Rollout[] }>()).rollouts

const withFlag = async (flag = boolFlag('signup', { fallthrough: { variation: 0 } })) => {
  const environment = environmentName()
  await sendWebhook({ environment, op: 'replace', flags: { [String(flag.key)]: flag } })
  return environment
}

describe('scheduled changes', () => {
  it('applies a change at its time, once, after a restart of the Hub', async () => {
    const environment = await withFlag()
    const at = Date.now() + HOUR
    const res = await post(environment, '/schedules', {
      at: new Date(at).toISOString(),
      change: { flags: { signup: boolFlag('signup', { on: false }) } },
      note: 'registration off',
    })
    expect(res.status).toBe(201)
    const { id } = await res.json<Schedule>()
    expect(await schedules(environment)).toMatchObject([{ id, state: 'pending', note: 'registration off', actor: 'admin' }])

    await abortAllDurableObjects()
    await fireAt(environment, at - 1)
    expect((await flagsOf(environment)).flags.signup.on).toBe(true)
    await fireAt(environment, at)
    const after = await flagsOf(environment)
    expect(after.flags.signup.on).toBe(false)
    expect(await schedules(environment)).toMatchObject([{ id, state: 'applied', version: after.version }])
    // an alarm that comes again applies nothing twice
    await sendWebhook({ environment, op: 'patch', flags: { signup: boolFlag('signup', { on: true }) } })
    await fireAt(environment, at + HOUR)
    expect((await flagsOf(environment)).flags.signup.on).toBe(true)
  })

  it('fails a change that became invalid, changing nothing else', async () => {
    const environment = await withFlag()
    const at = Date.now() + HOUR
    await post(environment, '/schedules', { at: new Date(at).toISOString(), change: { flags: { signup: boolFlag('signup', { on: false }) } } })
    await sendWebhook({ environment, op: 'patch', flags: { signup: null, other: boolFlag('other') } })
    const before = await flagsOf(environment)
    await fireAt(environment, at)
    expect(await schedules(environment)).toMatchObject([{ state: 'failed', reasons: ['flag "signup" was deleted since the change was scheduled'] }])
    expect((await flagsOf(environment)).version).toBe(before.version)
  })

  it('refuses times in the past, invalid changes, and more than 1,000 pending', async () => {
    const environment = await withFlag()
    const past = await post(environment, '/schedules', { at: new Date(Date.now() - 1000).toISOString(), change: { flags: {} } })
    expect(past.status).toBe(400)
    expect(await past.json()).toMatchObject({ error: { code: 'time_in_past' } })
    const soon = new Date(Date.now() + HOUR).toISOString()
    const invalid = await post(environment, '/schedules', { at: soon, change: { flags: { signup: boolFlag('signup', { offVariation: 7 }) } } })
    expect(invalid.status).toBe(400)
    expect((await post(environment, '/schedules', { at: soon, change: { version: 9, flags: {} } })).status).toBe(400)
    await runInDurableObject(env.HUB.getByName(environment), (_hub: Hub, state) => {
      for (let i = 0; i < MAX_PENDING; i += 1) state.storage.kv.put(`schedule:x${i}`, { id: `x${i}`, at: Date.now() + HOUR, state: 'pending' })
    })
    expect((await post(environment, '/schedules', { at: soon, change: { flags: {} } })).status).toBe(409)
  })

  it('refuses with 413 a change under 1 MiB as JSON but over 2 MB as the Hub stores it, and keeps nothing', async () => {
    const environment = await withFlag()
    // 1 MB of "0.5," in JSON; 9 bytes a number in the Hub's storage, 2.3 MB
    const halves = boolFlag('halves', { variations: [new Array(255_000).fill(0.5), false] })
    const res = await post(environment, '/schedules', { at: new Date(Date.now() + HOUR).toISOString(), change: { flags: { halves } } })
    expect(res.status).toBe(413)
    expect(await res.json()).toMatchObject({ error: { code: 'too_large_to_store' } })
    expect(await schedules(environment)).toEqual([])
  })

  it('cancels a pending change, which then never applies', async () => {
    const environment = await withFlag()
    const at = Date.now() + HOUR
    const { id } = await (await post(environment, '/schedules', { at: new Date(at).toISOString(), change: { flags: { signup: null } } })).json<Schedule>()
    expect((await adminRequest(`/${environment}/schedules/${id}`, { method: 'DELETE' })).status).toBe(200)
    expect((await adminRequest(`/${environment}/schedules/${id}`, { method: 'DELETE' })).status).toBe(409)
    await fireAt(environment, at)
    expect(Object.keys((await flagsOf(environment)).flags)).toEqual(['signup'])
  })
})

describe('progressive rollouts', () => {
  const contexts = Array.from({ length: 2000 }, (_, i) => ({ kind: 'user', key: `user-${i}` }))
  const servedAt = async (environment: string) => {
    const stored = await flagsOf(environment)
    const compiled = compileRuleset(publishRuleset(stored, stored.version, stored.updatedAt))
    return contexts.map((context) => evaluateAll(compiled, context).signup.variationIndex)
  }

  it('moves contexts towards the new variation only, step by step, to 100%', async () => {
    const environment = await withFlag()
    const start = Date.now()
    const steps = [1, 5, 25, 100].map((percent) => ({ percent, after: 3600 }))
    const res = await post(environment, '/rollouts', { flag: 'signup', variation: 1, steps })
    expect(res.status).toBe(201)
    let previous = await servedAt(environment)
    expect(previous.every((variation) => variation === 0)).toBe(true)
    const shares: number[] = []
    for (let step = 1; step <= 4; step += 1) {
      await fireAt(environment, start + step * HOUR + 1000 * step)
      const served = await servedAt(environment)
      // once switched, never back
      served.forEach((variation, i) => {
        if (previous[i] === 1) expect(variation).toBe(1)
      })
      shares.push(served.filter((variation) => variation === 1).length / contexts.length)
      previous = served
    }
    expect(shares[0]).toBeLessThan(0.03)
    expect(shares[1]).toBeGreaterThan(0.02)
    expect(shares[2]).toBeGreaterThan(0.18)
    expect(shares[3]).toBe(1)
    const [rollout] = await rollouts(environment)
    expect(rollout).toMatchObject({ state: 'completed', applied: [{ percent: 1 }, { percent: 5 }, { percent: 25 }, { percent: 100 }] })
    expect((await flagsOf(environment)).flags.signup.fallthrough).toEqual({ variation: 1 })
  })

  it('applies every step that is due, in order, when the alarm fires late', async () => {
    const environment = await withFlag()
    await post(environment, '/rollouts', { flag: 'signup', variation: 1, steps: [10, 50, 100].map((percent) => ({ percent, after: 60 })) })
    await fireAt(environment, Date.now() + 10 * HOUR)
    const [rollout] = await rollouts(environment)
    expect(rollout.state).toBe('completed')
    const versions = rollout.applied.map((step) => step.version)
    expect(versions).toEqual([...versions].sort((a, b) => a - b))
    expect(new Set(versions).size).toBe(3)
  })

  it('pauses, skipping the step, when someone changed the fallthrough in between; resumes from there', async () => {
    const environment = await withFlag()
    const start = Date.now()
    const { id } = await (await post(environment, '/rollouts', { flag: 'signup', variation: 1, steps: [10, 50].map((percent) => ({ percent, after: 60 })) })).json<Rollout>()
    await fireAt(environment, start + 61_000)
    await sendWebhook({ environment, op: 'patch', flags: { signup: boolFlag('signup', { fallthrough: { variation: 0 } }) } })
    const manual = await flagsOf(environment)
    await fireAt(environment, start + 200_000)
    const [paused] = await rollouts(environment)
    expect(paused).toMatchObject({ id, state: 'paused', reason: expect.stringContaining('changed by someone else') })
    expect((await flagsOf(environment)).version).toBe(manual.version)
    expect((await post(environment, `/rollouts/${id}/resume`)).status).toBe(200)
    await fireAt(environment, start + 400_000)
    expect((await rollouts(environment))[0]).toMatchObject({ state: 'completed' })
    expect((await flagsOf(environment)).flags.signup.fallthrough).toMatchObject({ rollout: { variations: [{ variation: 1, weight: 50_000 }, { variation: 0, weight: 50_000 }] } })
  })

  it('cancels, leaving the flag as it is', async () => {
    const environment = await withFlag()
    const start = Date.now()
    const { id } = await (await post(environment, '/rollouts', { flag: 'signup', variation: 1, steps: [10, 100].map((percent) => ({ percent, after: 60 })) })).json<Rollout>()
    await fireAt(environment, start + 61_000)
    const atTen = await flagsOf(environment)
    expect((await post(environment, `/rollouts/${id}/cancel`)).status).toBe(200)
    await fireAt(environment, start + HOUR)
    expect(await flagsOf(environment)).toMatchObject({ version: atTen.version })
    expect((await rollouts(environment))[0].state).toBe('cancelled')
    expect((await post(environment, `/rollouts/${id}/resume`)).status).toBe(409)
  })

  it('refuses what cannot roll out', async () => {
    const environment = await withFlag()
    const steps = [{ percent: 50, after: 0 }]
    expect((await post(environment, '/rollouts', { flag: 'nope', variation: 1, steps })).status).toBe(404)
    expect((await post(environment, '/rollouts', { flag: 'signup', variation: 5, steps })).status).toBe(400)
    expect((await post(environment, '/rollouts', { flag: 'signup', variation: 0, steps })).status).toBe(400)
    expect((await post(environment, '/rollouts', { flag: 'signup', variation: 1, steps: [{ percent: 50, after: 0 }, { percent: 20, after: 0 }] })).status).toBe(400)
    expect((await post(environment, '/rollouts', { flag: 'signup', variation: 1, steps: [] })).status).toBe(400)
    const later = [{ percent: 50, after: 3600 }]
    expect((await post(environment, '/rollouts', { flag: 'signup', variation: 1, steps: later })).status).toBe(201)
    expect((await post(environment, '/rollouts', { flag: 'signup', variation: 1, steps: later })).status).toBe(409)
  })
})
