import { isDeepStrictEqual } from 'node:util'
import { evaluateCompiledFlag, parseContext, type EvaluationContext } from '../../src/evaluation'
import { toLaunchDarklyContext } from '../../src/ofrep/context'
import type { LdFlag } from '../fixtures'
import type { History } from './history'

/** What part 1 checks: a bulk answer against the evaluator, and the changes it pushes. */

type OfrepFlag = { key: string; value?: unknown; variant?: string; errorCode?: string }
type BulkAnswer = { flags?: OfrepFlag[]; metadata?: { version?: number } }

/** An OFREP request body's context as the Worker reads it: targetingKey is LaunchDarkly's key. */
export const contextOfBody = (body: string): EvaluationContext =>
  parseContext(toLaunchDarklyContext(JSON.parse(body).context ?? {}), { allowMissingKey: true })

/**
 * The version a bulk answer names, and why the answer is wrong (undefined when it is right): it
 * must name a version this run pushed, list each of that version's flags once, and give for each
 * the evaluator's value and variant (the variation index as text) for this context in that
 * version, or an error code where the evaluator has none.
 */
export function checkBulk(text: string, context: EvaluationContext, history: History) {
  const answer = JSON.parse(text) as BulkAnswer
  const version = answer.metadata?.version
  return { version, problem: problemOf(answer, version, context, history) }
}

function problemOf(answer: BulkAnswer, version: number | undefined, context: EvaluationContext, history: History) {
  const ruleset = version === undefined ? undefined : history.compiled(version)
  if (ruleset === undefined) return `names version ${version}, which this run never pushed`
  const keys = new Set((answer.flags ?? []).map((flag) => flag.key))
  if (keys.size !== ruleset.flags.size || (answer.flags ?? []).length !== keys.size) {
    return `version ${version}: ${answer.flags?.length} flags (${keys.size} distinct), expected ${ruleset.flags.size}`
  }
  for (const got of answer.flags ?? []) {
    const flag = ruleset.flags.get(got.key)
    if (flag === undefined) return `version ${version}: flag ${got.key} does not exist in it`
    const want = evaluateCompiledFlag(flag, context)
    if (want.variationIndex === null) {
      if (got.errorCode === undefined) return `version ${version}, ${got.key}: a value where the evaluator has none`
      continue
    }
    const expected = [want.value, String(want.variationIndex)]
    if (!isDeepStrictEqual([got.value, got.variant], expected)) {
      const seen = JSON.stringify([got.value, got.variant])
      return `version ${version}, ${got.key}: got ${seen}, expected ${JSON.stringify(expected)}`
    }
  }
  return undefined
}

/**
 * Change `k` (1, 2, …) of part 1 touches one flag, a different one each time: odd changes switch
 * it on or off, even ones swap its country rule's list for the countries not in it.
 */
export function changeOf(k: number, flags: Map<string, LdFlag>, countries: string[]): LdFlag {
  const key = `flag-${(k * 37) % flags.size}`
  const flag = structuredClone(flags.get(key)!)
  flag.version += 1
  if (k % 2 === 1) flag.on = !flag.on
  else {
    const clause = flag.rules[0].clauses[0]
    clause.values = countries.filter((country) => !clause.values.includes(country))
  }
  flags.set(key, flag)
  return flag
}

/** How many of `contexts` get another value for `key` in `version` than in the version before. */
export function answersChanged(history: History, version: number, key: string, contexts: EvaluationContext[]): number {
  const [before, after] = [history.compiled(version - 1)?.flags.get(key), history.compiled(version)?.flags.get(key)]
  if (before === undefined || after === undefined) return 0
  return contexts.filter((context) => {
    const [a, b] = [evaluateCompiledFlag(before, context), evaluateCompiledFlag(after, context)]
    return !isDeepStrictEqual([a.value, a.variationIndex], [b.value, b.variationIndex])
  }).length
}
