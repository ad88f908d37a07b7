import type { KeyKind } from '../src/model/api-key'

/** The environment `npm run dev` serves, and its documented keys (README, "Local development"). */
export const DEV_ENVIRONMENT = 'development'

export const DEV_KEYS: Record<KeyKind, string> = {
  client: 'dev-client-key',
  mobile: 'dev-mobile-key',
  server: 'dev-server-key',
}
