import type { KeyKind } from '../../../src/model/api-key'

/** Registers `key` as a `kind` key of `environment` through the admin API; throws unless created. */
export const registerKey = async (url: URL, { environment, kind, key, adminToken }: { environment: string; kind: KeyKind; key: string; adminToken: string }) => {
  const res = await fetch(new URL(`/admin/v1/environments/${environment}/keys`, url), {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${adminToken}` },
    body: JSON.stringify({ kind, name: 'e2e', key }),
    signal: AbortSignal.timeout(10_000),
  })
  if (res.status !== 201) throw new Error(`the ${kind} key was not registered: HTTP ${res.status} ${await res.text()}`)
}
