import { ApiError } from '../errors'
import { isJsonObject } from '../model/json'

/** What one events payload held: how many events of each kind, and the evaluations its summaries count. */
export type EventsReceived = {
  events: number
  kinds: Record<string, number>
  /** From `summary` events: flag key → variation (or "default") → evaluations counted. */
  evaluations: Record<string, Record<string, number>>
}

const invalid = (message: string, path = 'body') => new ApiError(400, 'invalid_events', message, [{ path, message }])

const addCounters = (evaluations: EventsReceived['evaluations'], features: unknown, at: string) => {
  if (!isJsonObject(features)) throw invalid('A summary event needs a "features" object', `${at}.features`)
  for (const [flag, summary] of Object.entries(features)) {
    const counters = isJsonObject(summary) ? summary.counters : undefined
    if (!Array.isArray(counters)) throw invalid('A summarised flag needs a "counters" array', `${at}.features.${flag}`)
    const byVariation = (evaluations[flag] ??= Object.create(null) as Record<string, number>)
    for (const counter of counters) {
      const count = isJsonObject(counter) ? counter.count : undefined
      if (typeof count !== 'number' || !Number.isInteger(count) || count < 0) {
        throw invalid('Each counter needs a whole, non-negative "count"', `${at}.features.${flag}.counters`)
      }
      const variation = typeof counter.variation === 'number' ? String(counter.variation) : 'default'
      byVariation[variation] = (byVariation[variation] ?? 0) + count
    }
  }
}

/**
 * An analytics payload (`/bulk`, `/events/bulk/…`, `/mobile/events/bulk`): LaunchDarkly's SDKs
 * send a JSON array of events, each an object with a `kind`. Only the counts are kept.
 */
export const readAnalyticsEvents = (body: unknown): EventsReceived => {
  if (!Array.isArray(body)) throw invalid('The body must be a JSON array of events')
  // Keys come from the payload ("__proto__" among them): records without a prototype take any
  const received: EventsReceived = { events: body.length, kinds: Object.create(null), evaluations: Object.create(null) }
  body.forEach((event, index) => {
    if (!isJsonObject(event) || typeof event.kind !== 'string' || event.kind === '') {
      throw invalid('Each event must be an object with a "kind"', `body[${index}]`)
    }
    received.kinds[event.kind] = (received.kinds[event.kind] ?? 0) + 1
    if (event.kind === 'summary') addCounters(received.evaluations, event.features, `body[${index}]`)
  })
  return received
}

/** A diagnostic payload (`/diagnostic`, …): one JSON object with a `kind`. */
export const readDiagnosticEvent = (body: unknown): EventsReceived => {
  if (!isJsonObject(body) || typeof body.kind !== 'string' || body.kind === '') {
    throw invalid('The body must be a diagnostic event: a JSON object with a "kind"')
  }
  return { events: 1, kinds: { [body.kind]: 1 }, evaluations: {} }
}
