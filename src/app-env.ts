import type { Env } from './env'
import type { ApiKeyRecord } from './model/api-key'

/** The Hono environment every route shares: bindings, and what middleware leaves behind. */
export type AppEnv = {
  Bindings: Env
  Variables: {
    /** The caller's API key record, set by the `apiKey` middleware. */
    apiKey: ApiKeyRecord
    /** The parsed JSON body, set by the `jsonBody` middleware. */
    body: unknown
  }
}
