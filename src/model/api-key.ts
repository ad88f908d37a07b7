import { z } from 'zod'

/** Who may hold a key: `client` and `mobile` keys ship in apps (public), `server` keys do not. */
export const KEY_KINDS = ['client', 'mobile', 'server'] as const

export type KeyKind = (typeof KEY_KINDS)[number]

/** What KV stores under `key/{sha256 hex of the key}`; the key itself is never stored. */
export const apiKeyRecordSchema = z.object({
  environment: z.string().min(1),
  kind: z.enum(KEY_KINDS),
  name: z.string(),
  createdAt: z.string(),
})

export type ApiKeyRecord = z.infer<typeof apiKeyRecordSchema>
