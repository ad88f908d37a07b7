import type { FlagStates } from './flags'
import type { EvaluationContext } from './types'

/** The id of the element the edge writes into bootstrapped pages (src/routes/bootstrap.ts). */
export const PAGE_BOOTSTRAP_ID = 'edgeflags-bootstrap'

/** What that element holds: the visitor's flags, their version and ETag, and the context. */
export type PageBootstrap = { flags: FlagStates; version: number; etag: string; context: EvaluationContext }

type DocumentLike = { getElementById(id: string): { textContent: string | null } | null }

/**
 * The flags the edge put into this page, read synchronously so they are served before the first
 * paint. Undefined outside a browser, without the element, when it does not parse, or when
 * `context` names another visitor than the one the edge evaluated for.
 */
export const readPageBootstrap = (context: EvaluationContext | undefined): PageBootstrap | undefined => {
  const text = (globalThis as { document?: DocumentLike }).document?.getElementById(PAGE_BOOTSTRAP_ID)?.textContent
  if (!text) return undefined
  try {
    const page = JSON.parse(text) as PageBootstrap
    if (typeof page.flags !== 'object' || typeof page.context !== 'object') return undefined
    return context === undefined || context.targetingKey === page.context.targetingKey ? page : undefined
  } catch {
    return undefined
  }
}
