/** Open server-sent-event streams (OFREP change notifications); not hibernatable, held in memory. */
export type EventStreams = Set<WritableStreamDefaultWriter<Uint8Array>>

// Proxies and load balancers drop idle connections after about a minute; a comment line every
// 25 s keeps the stream open.
const HEARTBEAT_MS = 25_000
const encoder = new TextEncoder()

/**
 * Opens an event stream that receives `data: {"type":"refetchEvaluation",…}` on each change
 * (OFREP's SSE change stream). It ends when the client goes away.
 */
export const openEventStream = (streams: EventStreams, ctx: DurableObjectState): Response => {
  const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>()
  const writer = writable.getWriter()
  streams.add(writer)
  const heartbeat = setInterval(() => {
    writer.write(encoder.encode(': ping\n\n')).catch(() => stop())
  }, HEARTBEAT_MS)
  const stop = () => {
    clearInterval(heartbeat)
    streams.delete(writer)
  }
  writer.write(encoder.encode('retry: 5000\n: connected\n\n')).catch(() => stop())
  writer.closed.then(stop, stop)
  ctx.waitUntil(writer.closed.catch(() => undefined))
  return new Response(readable, {
    headers: { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache', Connection: 'keep-alive' },
  })
}
