import { afterEach, describe, expect, it, vi } from 'vitest'
import { EvaluationAccumulator, FLUSH_MS, MAX_REPORTED_FLAGS, type Outlet } from '../../../src/insights/accumulator'
import type { EvaluationBatch } from '../../../src/insights/counts'
import { loadedRuleset, plain } from './support'

// The isolate's side of flag insights (src/insights/accumulator.ts): counts wait in memory and
// leave in one batch per environment at most once per FLUSH_MS, never holding up an answer.

type Sent = { environment: string; batches: { at: number; counts: Record<string, Record<string, number>> }[] }

/** An outlet whose deliveries answer with `outcomes` in turn (default: success), recorded in `sent`. */
const recordingOutlet = (outcomes: ('ok' | 'fail' | 'hang')[] = []) => {
  const sent: Sent[] = []
  const waiting: Promise<unknown>[] = []
  const outlet: Outlet = {
    send(environment: string, batches: EvaluationBatch[]) {
      sent.push({ environment, batches: batches.map(({ at, counts }) => ({ at, counts: plain(counts) })) })
      const outcome = outcomes.shift() ?? 'ok'
      if (outcome === 'hang') return new Promise(() => undefined)
      return outcome === 'fail' ? Promise.reject(new Error('the Hub is away')) : Promise.resolve()
    },
    waitUntil: (work) => void waiting.push(work),
    sleep: (ms) => new Promise<void>((resolve) => sleeping.push({ ms, wake: resolve })),
  }
  const sleeping: { ms: number; wake: () => void }[] = []
  /** Ends every sleep begun so far, as their time would. */
  const wake = () => {
    for (const { wake } of sleeping.splice(0)) wake()
  }
  return { outlet, sent, sleeping, wake, settled: () => Promise.all(waiting) }
}

/** An accumulator on a clock the test moves; it sends only from requests unless given `deadlineMs`. */
const clocked = (start = 1_700_000_000_000, deadlineMs?: number) => {
  const accumulator = new EvaluationAccumulator()
  const clock = { now: start }
  accumulator.now = () => clock.now
  accumulator.deadlineMs = deadlineMs
  return { accumulator, clock }
}

afterEach(() => vi.restoreAllMocks())

describe('EvaluationAccumulator', () => {
  it('sends nothing until the window is FLUSH_MS old, then one batch with everything counted', async () => {
    const { accumulator, clock } = clocked()
    const { outlet, sent, settled } = recordingOutlet()
    const ruleset = loadedRuleset('prod', ['a', 'b'])
    accumulator.tallyFor(ruleset, outlet).countFlag('a', 1)
    clock.now += FLUSH_MS - 1
    accumulator.tallyFor(ruleset, outlet).countFlag('a', 0)
    accumulator.tallyFor(ruleset, outlet).countFlag('b', null)
    expect(sent).toEqual([])
    clock.now += 1
    accumulator.tallyFor(ruleset, outlet).countFlag('b', 1)
    await settled()
    // the request that found the window old is counted in the next one
    expect(sent).toEqual([{ environment: 'prod', batches: [{ at: clock.now - 1, counts: { a: { 0: 1, 1: 1 }, b: { default: 1 } } }] }])
  })

  it('sends at most once per FLUSH_MS per environment, and each environment on its own', async () => {
    const { accumulator, clock } = clocked()
    const { outlet, sent, settled } = recordingOutlet()
    const rulesets = { prod: loadedRuleset('prod', ['a']), test: loadedRuleset('test', ['a']) }
    // a request every second for a minute, to each environment
    for (let second = 0; second <= 60; second++) {
      clock.now += 1000
      for (const ruleset of Object.values(rulesets)) accumulator.tallyFor(ruleset, outlet).countFlag('a', 0)
    }
    await settled()
    for (const environment of ['prod', 'test']) {
      const times = sent.filter((batch) => batch.environment === environment).map(({ batches }) => batches[0].at)
      expect(times.length).toBe(6)
      for (let i = 1; i < times.length; i++) expect(times[i] - times[i - 1]).toBeGreaterThanOrEqual(FLUSH_MS)
    }
  })

  it('counts rulesets of one window separately and sends them as one batch', async () => {
    const { accumulator, clock } = clocked()
    const { outlet, sent, settled } = recordingOutlet()
    const [first, second] = [loadedRuleset('prod', ['a']), loadedRuleset('prod', ['a', 'b'])]
    accumulator.tallyFor(first, outlet).countFlag('a', 0)
    // a new version with one flag more, in the same window; then a request still on the first
    accumulator.tallyFor(second, outlet).countFlag('a', 0)
    accumulator.tallyFor(first, outlet).countFlag('a', 1)
    accumulator.tallyFor(second, outlet).countFlag('b', 1)
    clock.now += FLUSH_MS
    accumulator.flushAll(outlet)
    await settled()
    expect(sent[0].batches[0].counts).toEqual({ a: { 0: 2, 1: 1 }, b: { 1: 1 } })
  })

  it('answers while a delivery hangs', () => {
    const { accumulator, clock } = clocked()
    const { outlet, sent } = recordingOutlet(['hang'])
    const ruleset = loadedRuleset('prod', ['a'])
    accumulator.tallyFor(ruleset, outlet).countFlag('a', 0)
    clock.now += FLUSH_MS
    // tallyFor is synchronous: it hands the delivery to waitUntil and returns
    expect(accumulator.tallyFor(ruleset, outlet)).toBeDefined()
    expect(sent.length).toBe(1)
  })

  it('sends a failed batch again with the next, and drops it with a log line if that fails too', async () => {
    const { accumulator, clock } = clocked()
    const log = vi.spyOn(console, 'error').mockImplementation(() => undefined)
    const { outlet, sent, settled } = recordingOutlet(['fail', 'fail', 'ok'])
    const ruleset = loadedRuleset('prod', ['a'])
    for (const variation of [0, 1, 0]) {
      accumulator.tallyFor(ruleset, outlet).countFlag('a', variation)
      clock.now += FLUSH_MS
      accumulator.flushAll(outlet)
      await settled()
    }
    expect(sent.map(({ batches }) => batches.map((batch) => batch.counts))).toEqual([
      [{ a: { 0: 1 } }],
      [{ a: { 0: 1 } }, { a: { 1: 1 } }],
      [{ a: { 1: 1 } }, { a: { 0: 1 } }],
    ])
    const events = log.mock.calls.map(([line]) => JSON.parse(String(line)))
    expect(events.filter((event) => event.event === 'insights_flush_failed')).toHaveLength(2)
    expect(events).toContainEqual(expect.objectContaining({ event: 'insights_dropped', environment: 'prod', evaluations: 1 }))
  })

  it('keeps reported counts, and at most MAX_REPORTED_FLAGS flags of them per window', async () => {
    const { accumulator } = clocked()
    vi.spyOn(console, 'error').mockImplementation(() => undefined)
    const { outlet, sent, settled } = recordingOutlet()
    const many = Array.from({ length: MAX_REPORTED_FLAGS + 5 }, (_, i) => [`f${i}`, [['0', 1]]] as [string, [string, number][]])
    accumulator.countReported('prod', [['__proto__', [['1', 3]]], ...many], outlet)
    accumulator.flushAll(outlet)
    await settled()
    expect(sent[0].batches[0].counts.__proto__).toEqual({ 1: 3 })
    expect(Object.keys(sent[0].batches[0].counts)).toHaveLength(MAX_REPORTED_FLAGS)
    expect(({} as Record<string, unknown>)[1]).toBeUndefined()
  })

  it('sends a window by its deadline when no later request comes, from the request that opened it', async () => {
    const { accumulator, clock } = clocked(1_700_000_000_000, FLUSH_MS)
    const { outlet, sent, sleeping, wake, settled } = recordingOutlet()
    const ruleset = loadedRuleset('prod', ['a'])
    accumulator.tallyFor(ruleset, outlet).countFlag('a', 1)
    clock.now += 1000
    accumulator.tallyFor(ruleset, outlet).countFlag('a', 0)
    // one sleep, begun by the request that opened the window, as long as a window
    expect(sleeping.map(({ ms }) => ms)).toEqual([FLUSH_MS])
    expect(sent).toEqual([])
    wake()
    await settled()
    expect(sent).toEqual([{ environment: 'prod', batches: [{ at: clock.now, counts: { a: { 0: 1, 1: 1 } } }] }])
  })

  it('sends nothing at the deadline of a window a later request already sent', async () => {
    const { accumulator, clock } = clocked(1_700_000_000_000, FLUSH_MS)
    const { outlet, sent, wake, settled } = recordingOutlet()
    const ruleset = loadedRuleset('prod', ['a'])
    accumulator.tallyFor(ruleset, outlet).countFlag('a', 1)
    clock.now += FLUSH_MS
    // this request sends the first window and opens the next, with a deadline of its own
    accumulator.tallyFor(ruleset, outlet).countFlag('a', 0)
    expect(sent).toHaveLength(1)
    wake()
    await settled()
    // the first deadline found its window gone; the second sent the next window
    expect(sent.map(({ batches }) => batches.map(({ counts }) => counts))).toEqual([[{ a: { 1: 1 } }], [{ a: { 0: 1 } }]])
  })
})
