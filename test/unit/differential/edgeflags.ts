import { compileRuleset, evaluateFlag } from '../../../src/evaluation/index'
import { parseRuleset } from '../../../src/model/ruleset'
import type { Ruleset } from './generate'
import type { Detail } from './launchdarkly'

/** The evaluator under test, loaded with one ruleset; or the schema's complaints about it. */
export type Subject =
  | { ok: true; evaluate: (flagKey: string, context: unknown, defaultValue: unknown) => Detail }
  | { ok: false; errors: { path: string; message: string }[] }

/** Parses and compiles `ruleset` the way the Worker does. Inputs are cloned, never shared. */
export const createSubject = (ruleset: Ruleset): Subject => {
  const parsed = parseRuleset(structuredClone(ruleset))
  if (!parsed.ok) return { ok: false, errors: parsed.errors }
  const compiled = compileRuleset(parsed.ruleset)
  return {
    ok: true,
    evaluate: (flagKey, context, defaultValue) => {
      const result = evaluateFlag(compiled, flagKey, structuredClone(context), { defaultValue })
      return result as Detail
    },
  }
}
