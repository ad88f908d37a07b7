import { app } from './app'
import type { Env } from './env'

export { Hub } from './hub/hub'

// `satisfies` rather than a type annotation keeps `fetch` non-optional in the inferred type,
// so tests can call it without asserting that it exists.
export default {
  fetch: app.fetch,
} satisfies ExportedHandler<Env>
