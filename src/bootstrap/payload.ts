import { evaluateCompiledFlag, type CompiledRuleset, type EvaluationContext } from '../evaluation'
import { evalxFlag, type EvalxFlag } from '../launchdarkly/evalx'
import type { ApiKeyRecord } from '../model/api-key'
import { toOfrep } from '../ofrep/response'
import { visibleTo } from '../ofrep/visibility'
import { fingerprint } from '../store/hash'

/** One flag for the page, as the client holds it: a value, or an OFREP error code. */
export type BootstrapFlag = { value: unknown; variant: string; reason: string } | { errorCode: string; errorDetails: string }

/**
 * What `<script id="edgeflags-bootstrap">` holds: every flag the key may see, evaluated for the
 * visitor, with the ruleset's version and the ETag an OFREP bulk request for the same context
 * would get (so the client's first fetch is a 304), and that context, which the page cannot
 * otherwise know (its key is in an HttpOnly cookie).
 */
export type BootstrapPayload = {
  flags: Record<string, BootstrapFlag>
  version: number
  etag: string
  context: Record<string, unknown>
}

/** LaunchDarkly's bootstrap shape (`allFlagsState().toJSON()`), for its browser SDK's `bootstrap`. */
export type LaunchDarklyBootstrap = Record<string, unknown> & {
  $flagsState: Record<string, Omit<EvalxFlag, 'value'>>
  $valid: true
}

export type Evaluated = { context: EvaluationContext; canonical: string; raw: Record<string, unknown> }

/**
 * The ETag of OFREP bulk answers (src/routes/ofrep-bulk.ts) for this key and context: the same
 * text, so the client's first OFREP request after a bootstrap is answered 304.
 */
export const bootstrapEtag = (version: number, key: ApiKeyRecord, canonical: string) =>
  `"${version}-${key.kind}-${fingerprint(`${key.environment}\n${canonical}`)}"`

/** Both payloads from one evaluation of each flag the key may see. */
export const bootstrapPayloads = (
  ruleset: CompiledRuleset,
  version: number,
  key: ApiKeyRecord,
  { context, canonical, raw }: Evaluated,
): { edgeflags: BootstrapPayload; launchDarkly: LaunchDarklyBootstrap } => {
  const visible = visibleTo(key.kind)
  const flags: Record<string, BootstrapFlag> = {}
  const launchDarkly: LaunchDarklyBootstrap = { $flagsState: {}, $valid: true }
  for (const flag of ruleset.flags.values()) {
    if (!visible(flag)) continue
    const result = evaluateCompiledFlag(flag, context)
    const answer = toOfrep(flag, result, 'public')
    flags[flag.key] =
      'errorCode' in answer
        ? { errorCode: answer.errorCode, errorDetails: answer.errorDetails }
        : { value: answer.value, variant: answer.variant, reason: answer.reason }
    const { value, ...state } = evalxFlag(flag, result, { version, withReasons: false })
    launchDarkly[flag.key] = value
    launchDarkly.$flagsState[flag.key] = state
  }
  return { edgeflags: { flags, version, etag: bootstrapEtag(version, key, canonical), context: raw }, launchDarkly }
}
