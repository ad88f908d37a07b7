import { readFile } from 'node:fs/promises'
import { createServer, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createRequire } from 'node:module'

/**
 * The web app under test: a small Node server on its own port (another origin than the Worker,
 * so the browser applies real CORS) that serves LaunchDarkly's unmodified UMD bundle and pages
 * that use it the documented way, with only `baseUrl`, `streamUrl` and `eventsUrl` pointing at
 * the Worker.
 */
export type LdPageServer = { url: URL; close: () => Promise<void> }

export type LdPageServerOptions = {
  /** The Worker's origin. */
  worker: URL
  clientSideId: string
  /** Server-side flag state for a context, rendered into `/bootstrapped` as the `bootstrap` option. */
  bootstrap: (context: { kind: 'user'; key: string }) => Promise<unknown>
}

const SDK_FILE = createRequire(import.meta.url).resolve('launchdarkly-js-client-sdk/dist/ldclient.min.js')

// Runs in the page. `ld.start` is `LDClient.initialize` with the Worker's URLs and a logger that
// keeps every line, so a test can tell a stream `put` from a `patch` and see warnings; events
// the SDK emits are kept the same way.
const harness = (worker: string, clientSideId: string) => `
window.ld = { log: [], errors: [], changes: [], initialized: false, client: undefined };
ld.start = function (context, options) {
  var client = LDClient.initialize(${json(clientSideId)}, context, Object.assign({
    baseUrl: ${json(worker)},
    streamUrl: ${json(worker)},
    eventsUrl: ${json(worker)},
    logger: LDClient.basicLogger({ level: 'debug', destination: function (line) { ld.log.push(line) } })
  }, options));
  client.on('error', function (error) { ld.errors.push('error event: ' + (error && error.message || error)) });
  client.on('failed', function (error) { ld.errors.push('failed event: ' + (error && error.message || error)) });
  client.on('initialized', function () { ld.initialized = true });
  ld.client = client;
  return client;
};
ld.watch = function (key) {
  ld.client.on('change:' + key, function (current, previous) {
    ld.changes.push({ key: key, current: current, previous: previous });
  });
};
`

// JSON that is safe inside a <script> element: no `</script>` or `<!--` can close it early
const json = (value: unknown) => JSON.stringify(value).replace(/</g, '\\u003c')

const page = (head: string, body = '') => `<!doctype html>
<html><head><meta charset="utf-8"><title>LaunchDarkly SDK on edgeflags</title><link rel="icon" href="data:,">
<script src="/ldclient.min.js"></script>
<script>${head}</script></head>
<body>${body}</body></html>`

// The bootstrapped page starts the client as the page loads and reads flags at once, in the
// same task as `initialize`, before any `ready` event can have run
const bootstrapped = (context: unknown, bootstrap: unknown) => `
var client = ld.start(${json(context)}, { bootstrap: ${json(bootstrap)}, streaming: false });
ld.atStart = {
  initialized: ld.initialized,
  allFlags: client.allFlags(),
  apiCountField: client.variation('api-count-field', '<default>')
};
`

const send = (res: ServerResponse, status: number, type: string, body: string | Buffer) => {
  res.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-store' })
  res.end(body)
}

export const startLdPageServer = async ({ worker, clientSideId, bootstrap }: LdPageServerOptions): Promise<LdPageServer> => {
  const sdk = await readFile(SDK_FILE)
  const setUp = harness(String(worker).replace(/\/$/, ''), clientSideId)
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://page')
    try {
      if (url.pathname === '/ldclient.min.js') return send(res, 200, 'text/javascript', sdk)
      if (url.pathname === '/') return send(res, 200, 'text/html', page(setUp))
      if (url.pathname === '/bootstrapped') {
        // as a server-rendered app would: the context is the signed-in user, the flags its state
        const context = { kind: 'user' as const, key: url.searchParams.get('key') ?? 'anonymous' }
        return send(res, 200, 'text/html', page(setUp + bootstrapped(context, await bootstrap(context))))
      }
      send(res, 404, 'text/plain', 'not found')
    } catch (error) {
      send(res, 500, 'text/plain', String(error))
    }
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', resolve)
  })
  const { port } = server.address() as AddressInfo
  return {
    url: new URL(`http://127.0.0.1:${port}/`),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
