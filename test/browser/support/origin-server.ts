import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'

/**
 * A page origin on 127.0.0.1 for bootstrapped pages: `/page` is a light/dark page that reads the
 * edge's bootstrap before its first paint, `/slow` sends its first bytes after `firstMs` and the
 * rest `restMs` later, `/plain.txt` is text.
 */
export type Origin = { url: string; close: () => Promise<void> }

// The theme is set by a classic script at the top of <body>, from the JSON the edge added to
// <head>: parsing has not reached anything visible yet, so the first paint has the right colours.
// The module then builds the client, which reads the same element synchronously.
export const PAGE = `<!doctype html>
<html><head><meta charset="utf-8"><title>origin page</title>
<style>body { margin: 0; min-height: 100vh; background: #fafafa; transition: background .2s } body.dark { background: #111217 }</style>
</head>
<body>
<script>
  const boot = JSON.parse(document.getElementById('edgeflags-bootstrap').textContent)
  document.body.classList.toggle('dark', boot.flags['dark-theme'].value === true)
</script>
<h1>Origin page</h1>
<script type="module">
  import { createClient } from '/demo/client.js'
  const client = createClient({ baseUrl: location.origin, key: 'dev-client-key' })
  window.atConstruction = client.allFlags()
  window.ldBootstrap = JSON.parse(document.getElementById('edgeflags-bootstrap-ld').textContent)
</script>
</body></html>`

export const SLOW_HEAD = '<!doctype html><html><head><title>slow</title>'
export const SLOW_REST = '</head><body><p>finally</p></body></html>'

export const startOrigin = (firstMs: number, restMs: number) =>
  new Promise<Origin>((resolve, reject) => {
    const server: Server = createServer((req, res) => {
      if (req.url === '/plain.txt') return res.writeHead(200, { 'Content-Type': 'text/plain' }).end('plain </head>')
      if (req.url === '/slow') {
        res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' })
        setTimeout(() => res.write(SLOW_HEAD), firstMs)
        return void setTimeout(() => res.end(SLOW_REST), firstMs + restMs)
      }
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end(PAGE)
    })
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo
      resolve({
        url: `http://127.0.0.1:${port}`,
        close: () => new Promise((done) => server.close(() => done())),
      })
    })
  })
