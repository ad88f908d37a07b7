/** One server-sent event: its name (`message` when unnamed) and data, parsed as JSON when it is. */
export type SseEvent = { event: string; data: unknown }

/**
 * Reads a `text/event-stream` response event by event. `next()` waits for the next event (comments
 * and heartbeats skipped) and fails after `timeoutMs`; `quiet(ms)` holds when nothing arrives.
 */
export const readEvents = (response: Response) => {
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader()
  let buffer = ''
  const queue: SseEvent[] = []
  let pending: Promise<void> | undefined

  const parse = (block: string) => {
    let event = 'message'
    const data: string[] = []
    for (const line of block.split('\n')) {
      if (line.startsWith('event:')) event = line.slice(6).trim()
      else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''))
    }
    if (data.length === 0) return
    const text = data.join('\n')
    let parsed: unknown = text
    try {
      parsed = JSON.parse(text)
    } catch {
      // not JSON: kept as text
    }
    queue.push({ event, data: parsed })
  }

  const fill = () =>
    (pending ??= reader.read().then(({ done, value }) => {
      pending = undefined
      if (done) throw new Error('the stream ended')
      buffer += value
      let end: number
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        parse(buffer.slice(0, end))
        buffer = buffer.slice(end + 2)
      }
    }))

  const within = <T>(promise: Promise<T>, ms: number) =>
    Promise.race([promise, new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), ms))])

  return {
    async next(timeoutMs = 5000): Promise<SseEvent> {
      const deadline = Date.now() + timeoutMs
      while (queue.length === 0) {
        if ((await within(fill(), Math.max(1, deadline - Date.now()))) === 'timeout') throw new Error('no event arrived in time')
      }
      return queue.shift()!
    },
    async quiet(ms: number): Promise<boolean> {
      if (queue.length > 0) return false
      await within(fill(), ms)
      return queue.length === 0
    },
    close: () => reader.cancel(),
  }
}
