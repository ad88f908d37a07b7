import { createServer, type IncomingMessage } from 'node:http'
import type { AddressInfo } from 'node:net'
import { gunzipSync } from 'node:zlib'

/**
 * A pass-through HTTP proxy on 127.0.0.1 that records each request and what the Worker answered.
 * The server SDK calls with Node's own http module, not `fetch`, so its requests and their
 * statuses are only visible on the wire: an SDK endpoint option (`eventsUri`, `baseUri`) points here.
 */

export type Exchange = { method: string; path: string; request: string; status: number }

export type RecordingProxy = { url: string; exchanges: Exchange[]; close: () => Promise<void> }

const readBody = async (request: IncomingMessage) => {
  const chunks: Buffer[] = []
  for await (const chunk of request) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks)
}

// Hop-by-hop headers, and the ones fetch sets itself from the body
const DROPPED = new Set(['host', 'connection', 'content-length', 'transfer-encoding', 'keep-alive'])

const textOf = (body: Buffer, encoding: string | undefined) => (encoding === 'gzip' ? gunzipSync(body) : body).toString('utf8')

export const startRecordingProxy = async (target: URL): Promise<RecordingProxy> => {
  const exchanges: Exchange[] = []
  const server = createServer(async (request, response) => {
    try {
      const headers = Object.entries(request.headers).flatMap(([name, value]) =>
        DROPPED.has(name) || value === undefined ? [] : [[name, String(value)] as [string, string]],
      )
      const body = await readBody(request)
      const answer = await fetch(new URL(request.url ?? '/', target), {
        method: request.method,
        headers,
        body: body.length > 0 ? body : undefined,
      })
      const text = await answer.text()
      const method = request.method ?? ''
      exchanges.push({ method, path: request.url ?? '', request: textOf(body, request.headers['content-encoding']), status: answer.status })
      const passed = ['Content-Type', 'ETag'].flatMap((name) => {
        const value = answer.headers.get(name)
        return value === null ? [] : [[name, value] as [string, string]]
      })
      response.writeHead(answer.status, passed)
      response.end(text)
    } catch (error) {
      response.writeHead(502).end(String(error))
    }
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    exchanges,
    // the SDK keeps its connections alive; close them, or close() waits for them
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}
