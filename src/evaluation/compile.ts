import type { Flag, Target } from '../model/flag'
import type { Ruleset } from '../model/ruleset'
import type { Segment, SegmentRule, SegmentTarget } from '../model/segment'
import { KEY_REFERENCE, parseAttributeReference } from './attribute-reference'
import { bucketSpec } from './bucketing'
import type {
  ClientSideAvailability,
  CompiledFlag,
  CompiledRuleset,
  CompiledSegment,
  CompiledSegmentRule,
  CompiledTarget,
} from './compiled'
import { compileClause, compileServe, offDecision, variationDecision } from './compile-rules'
import { FALLTHROUGH, OFF, prerequisiteFailed, ruleMatch, TARGET_MATCH } from './reasons'

const WEIGHT_SCALE = 100000

/**
 * Individual targets in the order LaunchDarkly checks them. With `contextTargets`, a user entry
 * there stands for the `targets` entry of the same variation (LaunchDarkly's SDK spec).
 */
const compileTargets = (flag: Flag): CompiledTarget[] => {
  const target = ({ contextKind, values, variation }: Target): CompiledTarget => ({
    contextKind: contextKind ?? 'user',
    keys: new Set(values),
    decision: variationDecision(flag, variation, TARGET_MATCH),
  })
  if (flag.contextTargets.length === 0) return flag.targets.map(target)
  return flag.contextTargets.flatMap((contextTarget) => {
    if (contextTarget.contextKind && contextTarget.contextKind !== 'user') return [target(contextTarget)]
    const userTarget = flag.targets.find(({ variation }) => variation === contextTarget.variation)
    return userTarget ? [target(userTarget)] : []
  })
}

const clientSideAvailability = (flag: Flag): ClientSideAvailability => ({
  usingEnvironmentId: flag.clientSideAvailability?.usingEnvironmentId ?? flag.clientSide === true,
  // Flags from before clientSideAvailability existed were always available to mobile keys
  usingMobileKey: flag.clientSideAvailability?.usingMobileKey ?? true,
})

const compileFlag = (flag: Flag, segments: ReadonlyMap<string, CompiledSegment>): CompiledFlag => ({
  key: flag.key,
  version: flag.version,
  on: flag.on,
  variations: flag.variations,
  off: offDecision(flag, OFF),
  prerequisites: [],
  targets: compileTargets(flag),
  rules: flag.rules.map((rule, index) => ({
    clauses: rule.clauses?.map((clause) => compileClause(clause, segments)),
    serve: compileServe(flag, rule, ruleMatch(index, rule.id)),
  })),
  fallthrough: compileServe(flag, flag.fallthrough, FALLTHROUGH),
  clientSideAvailability: clientSideAvailability(flag),
  source: flag,
  visiting: false,
})

const segmentTarget = ({ contextKind, values }: SegmentTarget) => ({
  contextKind: contextKind ?? 'user',
  keys: new Set(values),
})

const emptySegment = (segment: Segment): CompiledSegment => ({
  key: segment.key,
  version: segment.version,
  included: new Set(segment.included),
  excluded: new Set(segment.excluded),
  includedContexts: segment.includedContexts.map(segmentTarget),
  excludedContexts: segment.excludedContexts.map(segmentTarget),
  rules: [],
  unbounded: segment.unbounded,
  unboundedContextKind: segment.unboundedContextKind ?? 'user',
  generation: segment.generation,
  source: segment,
  visiting: false,
})

const compileSegmentRule = (
  segment: Segment,
  rule: SegmentRule,
  segments: ReadonlyMap<string, CompiledSegment>,
): CompiledSegmentRule => {
  const reference = rule.bucketBy
    ? parseAttributeReference(rule.bucketBy, !rule.rolloutContextKind)
    : KEY_REFERENCE
  return {
    clauses: rule.clauses?.map((clause) => compileClause(clause, segments)),
    weight: rule.weight === undefined ? undefined : rule.weight / WEIGHT_SCALE,
    // Segment rollouts never use a seed: the prefix is always `{segmentKey}.{salt}`
    spec: reference.valid
      ? bucketSpec(`${segment.key}.${segment.salt}`, reference, rule.rolloutContextKind ?? 'user')
      : undefined,
  }
}

const live = <T extends { deleted: boolean }>(items: Record<string, T>) =>
  Object.values(items).filter((item) => !item.deleted)

/**
 * Prepares a validated ruleset for evaluation, once per version. It checks nothing (the model's
 * schemas did): data that is wrong in ways a schema cannot see (a variation index out of range, a
 * prerequisite cycle) evaluates to a MALFORMED_FLAG error, as in LaunchDarkly's SDKs.
 */
export const compileRuleset = (ruleset: Ruleset): CompiledRuleset => {
  const segmentSources = live(ruleset.segments)
  const segments = new Map(segmentSources.map((segment) => [segment.key, emptySegment(segment)]))
  // Rules are compiled once every segment exists, since segments may name each other
  for (const source of segmentSources) {
    const rules = source.rules.map((rule) => compileSegmentRule(source, rule, segments))
    ;(segments.get(source.key)!.rules as CompiledSegmentRule[]).push(...rules)
  }
  const flagSources = live(ruleset.flags)
  const flags = new Map(flagSources.map((flag) => [flag.key, compileFlag(flag, segments)]))
  for (const source of flagSources) {
    const prerequisites = flags.get(source.key)!.prerequisites as CompiledFlag['prerequisites'][number][]
    for (const { key, variation } of source.prerequisites) {
      prerequisites.push({
        key,
        variation,
        flag: flags.get(key),
        failed: offDecision(source, prerequisiteFailed(key)),
      })
    }
  }
  return { flags, segments }
}
