import { Miniflare } from 'miniflare'
import type { Target } from './edgeflags'

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

export type HelloOptions = { body: string; contentType: string }

export async function startHello({ body, contentType }: HelloOptions): Promise<Target> {
  const miniflare = new Miniflare({
    modules: true,
    script: SCRIPT,
    compatibilityDate: '2026-04-26',
    compatibilityFlags: ['nodejs_compat'],
    bindings: { BODY: body, CONTENT_TYPE: contentType },
    host: '127.0.0.1',
    port: 0,
  })
  const url = await miniflare.ready
  return { name: 'hello-world', url, dispose: () => miniflare.dispose() }
}
