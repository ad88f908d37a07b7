import { createServer, request, type IncomingHttpHeaders, type Server } from 'node:http'
import { connect, createServer as createNetServer, type AddressInfo } from 'node:net'

/**
 * The front door of `npm run dev`: wrangler dev listens on an internal port from the start, and
 * this proxy opens the public one only once the development environment is loaded, so no request
 * there can come before the dev keys exist (scripts/dev.ts).
 */

/** `port` when nothing listens on it on 127.0.0.1 (0, the default: any free port). */
export const freePort = (port = 0) =>
  new Promise<number>((resolve, reject) => {
    const server = createNetServer()
    server.once('error', reject)
    server.listen(port, '127.0.0.1', () => {
      const { port: bound } = server.address() as AddressInfo
      server.close(() => resolve(bound))
    })
  })

// Hop-by-hop headers describe one connection, not the message (RFC 9110, section 7.6.1): each
// side of the proxy frames its own connection.
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade'])

const endToEnd = (headers: IncomingHttpHeaders) =>
  Object.fromEntries(Object.entries(headers).filter(([name]) => !HOP_BY_HOP.has(name)))

/**
 * Listens on 127.0.0.1:`port` and forwards to 127.0.0.1:`target`: HTTP requests and answers
 * streamed as they come (so server-sent events flow), WebSocket upgrades as raw bytes both ways.
 * The Host header is kept, so the Worker sees the URL the client used (OFREP's `eventStreams`).
 */
export const startProxy = (port: number, target: number) =>
  new Promise<Server>((resolve, reject) => {
    const server = createServer((req, res) => {
      const headers = endToEnd(req.headers)
      const upstream = request({ host: '127.0.0.1', port: target, method: req.method, path: req.url, headers })
      upstream.on('response', (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.statusMessage, endToEnd(answer.headers))
        res.flushHeaders()
        answer.pipe(res)
      })
      upstream.on('error', (error) => {
        if (res.headersSent || res.destroyed) res.destroy()
        else res.writeHead(502, { 'Content-Type': 'text/plain' }).end(`wrangler dev: ${error.message}\n`)
      })
      // a client that leaves (an EventSource closed) closes its upstream request too
      res.on('close', () => res.writableFinished || upstream.destroy())
      req.pipe(upstream)
    })
    server.on('upgrade', (req, socket, head) => {
      const upstream = connect(target, '127.0.0.1', () => {
        const lines = [`${req.method} ${req.url} HTTP/${req.httpVersion}`]
        const raw = req.rawHeaders
        for (let i = 0; i < raw.length; i += 2) lines.push(`${raw[i]}: ${raw[i + 1]}`)
        upstream.write(`${lines.join('\r\n')}\r\n\r\n`)
        upstream.write(head)
        upstream.pipe(socket).pipe(upstream)
      })
      upstream.on('error', () => socket.destroy())
      socket.on('error', () => upstream.destroy())
      upstream.on('close', () => socket.destroy())
      socket.on('close', () => upstream.destroy())
    })
    server.once('error', reject)
    server.listen(port, '127.0.0.1', () => resolve(server))
  })
