/** An open server-sent-event stream, held in memory (event streams do not hibernate). */
export type SseWriter = WritableStreamDefaultWriter<Uint8Array>

/** Open OFREP change streams. */
export type EventStreams = Set<SseWriter>

// Proxies and load balancers drop idle connections after about a minute; a comment line every
// 25 s keeps the stream open.
const HEARTBEAT_MS = 25_000
const encoder = new TextEncoder()

/** Writes `text` to a stream, forgetting the stream through `onFail` if it has gone. */
export const sendEvent = (writer: SseWriter, text: string, onFail: () => void) => {
  writer.write(encoder.encode(text)).catch(onFail)
}

/**
 * Opens a server-sent-event stream that starts with `first`. `stop` runs once it ends (the
 * client went away), to forget the writer.
 */
export const openSse = (ctx: Pick<DurableObjectState, 'waitUntil'>, first: string, stop: () => void): { response: Response; writer: SseWriter } => {
  const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>()
  const writer = writable.getWriter()
  const heartbeat = setInterval(() => sendEvent(writer, ': ping\n\n', end), HEARTBEAT_MS)
  function end() {
    clearInterval(heartbeat)
    stop()
  }
  sendEvent(writer, first, end)
  writer.closed.then(end, end)
  ctx.waitUntil(writer.closed.catch(() => undefined))
  const headers = { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache', Connection: 'keep-alive' }
  return { response: new Response(readable, { headers }), writer }
}

/**
 * Opens an event stream that receives `data: {"type":"refetchEvaluation",…}` on each change
 * (OFREP's SSE change stream). It ends when the client goes away.
 */
export const openEventStream = (streams: EventStreams, ctx: DurableObjectState): Response => {
  const { response, writer } = openSse(ctx, 'retry: 5000\n: connected\n\n', () => streams.delete(writer))
  streams.add(writer)
  return response
}
