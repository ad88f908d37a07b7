import type { CompiledRuleset, EvaluationContext } from '../evaluation'
import { evalxAll, evalxIn, sameEvalx, type EvalxFlag } from '../launchdarkly/evalx'
import { readSdkContext } from '../launchdarkly/context'
import type { KeyKind } from '../model/api-key'
import type { StoredRuleset } from '../store/stored-ruleset'
import { affectedFlags } from './affected'
import { openSse, sendEvent, type SseWriter } from './event-streams'
import { changedStates } from './fanout'
import { hubTallyOf } from '../insights/hub-tally'

/** Where the Worker forwards LaunchDarkly SDK streams, with a JSON SdkStreamOpening as body. */
export const SDK_STREAM_PATH = '/sdk-stream'

/**
 * What the Worker asks of the Hub for a LaunchDarkly SDK stream (src/routes/launchdarkly-*.ts),
 * after it checked the key: `all` for server SDKs, `eval` for a client-side context, `ping` for
 * SDKs that refetch on a ping.
 */
export type SdkStreamOpening =
  | { stream: 'all'; environment: string }
  | { stream: 'ping'; environment: string }
  | { stream: 'eval'; environment: string; kind: KeyKind; context: string; withReasons: boolean }

type ClientStream = { writer: SseWriter; kind: KeyKind; context: EvaluationContext; withReasons: boolean }

/** What a change did, as the SDK streams are told of it. */
export type SdkChange = {
  before: CompiledRuleset
  after: CompiledRuleset
  /** The ruleset as published after the change. */
  published: StoredRuleset
  /** Changed keys, and the versions of those that were deleted. */
  flags: string[]
  segments: string[]
  deleted: { flags: ReadonlyMap<string, number>; segments: ReadonlyMap<string, number> }
}

const event = (name: string, data: unknown) => `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`

/**
 * An SDK refetches once per ping, and may reach an isolate, colo cache or KV replica that has
 * not seen the change yet (up to a minute: README, "Freshness"); one more ping after that window
 * lets it catch up instead of keeping old values until the next change.
 */
export const LATE_PING_MS = 65_000

/**
 * LaunchDarkly's streaming protocols, served by the writer: server SDKs' `/all` (the ruleset,
 * then each changed flag and segment), client-side `/eval` streams (a context's flags, then
 * what changed for it) and ping streams. Like OFREP's event streams they are held in memory;
 * an SDK whose stream breaks reconnects and starts again from a `put`.
 */
export class SdkStreams {
  readonly servers = new Set<SseWriter>()
  readonly clients = new Set<ClientStream>()
  readonly pings = new Set<SseWriter>()

  #latePing: ReturnType<typeof setTimeout> | undefined

  constructor(private readonly ctx: Pick<DurableObjectState, 'waitUntil'>) {}

  get size() {
    return this.servers.size + this.clients.size + this.pings.size
  }

  /** Opens a stream that starts from `published` (and, for `eval`, its compiled form). */
  open(opening: SdkStreamOpening, published: StoredRuleset, compiled: CompiledRuleset): Response {
    if (opening.stream === 'all') {
      const put = event('put', { path: '/', data: { flags: published.flags, segments: published.segments } })
      const { response, writer } = openSse(this.ctx, put, () => this.servers.delete(writer))
      this.servers.add(writer)
      return response
    }
    if (opening.stream === 'ping') {
      const { response, writer } = openSse(this.ctx, ': connected\n\n', () => this.pings.delete(writer))
      this.pings.add(writer)
      return response
    }
    const { kind, withReasons } = opening
    const { context } = readSdkContext(JSON.parse(opening.context))
    const flags = evalxAll(compiled, context, kind, { version: published.version, withReasons })
    const { response, writer } = openSse(this.ctx, event('put', flags), () => this.clients.delete(stream))
    hubTallyOf(this.ctx).countEvalx(Object.entries(flags))
    const stream: ClientStream = { writer, kind, context, withReasons }
    this.clients.add(stream)
    return response
  }

  /** Tells every stream what `change` did, in the order the Hub accepted changes. */
  change(change: SdkChange) {
    if (this.servers.size > 0) this.#toServers(change)
    if (this.clients.size > 0) this.#toClients(change)
    if (this.pings.size > 0) {
      this.#ping()
      clearTimeout(this.#latePing)
      this.#latePing = setTimeout(() => this.#ping(), LATE_PING_MS)
    }
  }

  #ping() {
    for (const writer of this.pings) sendEvent(writer, event('ping', {}), () => this.pings.delete(writer))
  }

  // Segments first: a changed flag may name a segment that is new in the same change
  #toServers({ published, segments, flags, deleted }: SdkChange) {
    let text = ''
    for (const [section, keys, items, gone] of [
      ['segments', segments, published.segments, deleted.segments],
      ['flags', flags, published.flags, deleted.flags],
    ] as const) {
      for (const key of keys) {
        const path = `/${section}/${key}`
        const item = (items as Record<string, unknown>)[key]
        text += item === undefined ? event('delete', { path, version: gone.get(key) ?? 0 }) : event('patch', { path, data: item })
      }
    }
    for (const writer of this.servers) sendEvent(writer, text, () => this.servers.delete(writer))
  }

  #toClients({ before, after, published, flags, segments }: SdkChange) {
    const affected = [...affectedFlags([before, after], flags, segments)]
    const { version } = published
    for (const stream of this.clients) {
      const { context, kind } = stream
      const options = { version, withReasons: stream.withReasons }
      const changes = changedStates<EvalxFlag>(
        affected,
        (key) => evalxIn(before, key, context, kind, options),
        (key) => evalxIn(after, key, context, kind, options),
        sameEvalx,
      )
      if (changes === undefined) continue
      let text = ''
      for (const [key, state] of Object.entries(changes.flags)) text += event('patch', { key, ...state })
      for (const key of changes.removed) text += event('delete', { key, version })
      sendEvent(stream.writer, text, () => this.clients.delete(stream))
      hubTallyOf(this.ctx).countEvalx(Object.entries(changes.flags))
    }
  }
}
