import type { Probe } from './probe'
import { serveModule, TARGETS, type Target } from './miniflare'

/**
 * The baseline: a Worker in the same runtime (Miniflare and workerd, same compatibility date and
 * flags as wrangler.toml) that does no work beyond reading the request and sending a fixed body.
 */

// The request body is read and dropped, as edgeflags must read it too; the reply is a string,
// so the runtime encodes the same number of bytes per response as for edgeflags' JSON.
const SCRIPT = `
export default {
  async fetch(request, env) {
    await request.arrayBuffer()
    return new Response(env.BODY, { headers: { 'content-type': env.CONTENT_TYPE } })
  },
}
`

/** Serves `body` (a probed edgeflags answer) to every request. */
export async function startHello({ body, contentType }: Pick<Probe, 'body' | 'contentType'>): Promise<Target> {
  const { target } = await serveModule(TARGETS.hello, SCRIPT, { bindings: { BODY: body, CONTENT_TYPE: contentType } })
  return target
}
