import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { compileRuleset } from '../../../src/evaluation'
import { publishRuleset } from '../../../src/hub/published'
import { LATE_PING_MS, SdkStreams } from '../../../src/hub/sdk-streams'
import { boolFlag } from '../../support/flags'

// The ping streams' second ping (src/hub/sdk-streams.ts): an SDK that refetched from a replica
// that had not seen the change yet gets another chance once every replica has.

const published = publishRuleset({ flags: { a: boolFlag('a') } }, 1, '')
const compiled = compileRuleset(published)
const change = { before: compiled, after: compiled, published, flags: ['a'], segments: [], deleted: { flags: new Map(), segments: new Map() } }

const pingsOn = (streams: SdkStreams) => {
  const response = streams.open({ stream: 'ping', environment: 'env' }, published, compiled)
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader()
  let text = ''
  void (async () => {
    for (;;) {
      const { done, value } = await reader.read()
      if (done) return
      text += value
    }
  })()
  return () => text.split('event: ping\n').length - 1
}

beforeEach(() => void vi.useFakeTimers())
afterEach(() => void vi.useRealTimers())

describe('ping streams', () => {
  it('ping at once on a change, and once more when replicas have caught up', async () => {
    const streams = new SdkStreams({ waitUntil: () => undefined })
    const pings = pingsOn(streams)
    streams.change(change)
    await vi.advanceTimersByTimeAsync(0)
    expect(pings()).toBe(1)
    await vi.advanceTimersByTimeAsync(LATE_PING_MS - 1)
    expect(pings()).toBe(1)
    await vi.advanceTimersByTimeAsync(1)
    expect(pings()).toBe(2)
  })

  it('send one late ping for a burst of changes, after the last', async () => {
    const streams = new SdkStreams({ waitUntil: () => undefined })
    const pings = pingsOn(streams)
    streams.change(change)
    await vi.advanceTimersByTimeAsync(LATE_PING_MS / 2)
    streams.change(change)
    await vi.advanceTimersByTimeAsync(LATE_PING_MS - 1)
    expect(pings()).toBe(2)
    await vi.advanceTimersByTimeAsync(1)
    expect(pings()).toBe(3)
    await vi.advanceTimersByTimeAsync(LATE_PING_MS * 2)
    expect(pings()).toBe(3)
  })
})
