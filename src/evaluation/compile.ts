import type { Flag, Prerequisite, Target } from '../model/flag'
import type { Ruleset } from '../model/ruleset'
import type { Segment, SegmentRule, SegmentTarget } from '../model/segment'
import { KEY_REFERENCE, parseAttributeReference } from './attribute-reference'
import { bucketSpec } from './bucketing'
import type {
  ClientSideAvailability,
  CompiledFlag,
  CompiledPrerequisite,
  CompiledRuleset,
  CompiledSegment,
  CompiledSegmentRule,
  CompiledSegmentTarget,
  CompiledTarget,
} from './compiled'
import { compileClause, compileServe, offDecision, variationDecision } from './compile-rules'
import { FALLTHROUGH, OFF, prerequisiteFailed, ruleMatch, TARGET_MATCH } from './reasons'
import { LazyMap, type Lookup } from './lazy-map'

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

const unionOf = (targets: readonly CompiledTarget[]): CompiledSegmentTarget | undefined => {
  if (targets.length < 2) return undefined
  const { contextKind } = targets[0]
  if (targets.some((target) => target.contextKind !== contextKind)) return undefined
  return { contextKind, keys: new Set(targets.flatMap(({ keys }) => [...keys])) }
}

const clientSideAvailability = (flag: Flag): ClientSideAvailability => ({
  usingEnvironmentId: flag.clientSideAvailability?.usingEnvironmentId ?? flag.clientSide === true,
  // Flags from before clientSideAvailability existed were always available to mobile keys
  usingMobileKey: flag.clientSideAvailability?.usingMobileKey ?? true,
})

// A prerequisite's flag is looked up when evaluation first reaches it
const compilePrerequisite = (flag: Flag, { key, variation }: Prerequisite, flags: Lookup<CompiledFlag>): CompiledPrerequisite => ({
  key,
  variation,
  get flag() {
    return flags.get(key)
  },
  failed: offDecision(flag, prerequisiteFailed(key)),
})

const compileFlag = (flag: Flag, flags: Lookup<CompiledFlag>, segments: Lookup<CompiledSegment>): CompiledFlag => {
  const targets = compileTargets(flag)
  return {
    key: flag.key,
    version: flag.version,
    on: flag.on,
    variations: flag.variations,
    off: offDecision(flag, OFF),
    prerequisites: flag.prerequisites.map((prerequisite) => compilePrerequisite(flag, prerequisite, flags)),
    targets,
    targetKeys: unionOf(targets),
    rules: flag.rules.map((rule, index) => ({
      clauses: rule.clauses?.map((clause) => compileClause(clause, segments)),
      serve: compileServe(flag, rule, ruleMatch(index, rule.id)),
    })),
    fallthrough: compileServe(flag, flag.fallthrough, FALLTHROUGH),
    clientSideAvailability: clientSideAvailability(flag),
    source: flag,
    visiting: false,
  }
}

const segmentTarget = ({ contextKind, values }: SegmentTarget) => ({
  contextKind: contextKind ?? 'user',
  keys: new Set(values),
})

const compileSegment = (segment: Segment, segments: Lookup<CompiledSegment>): CompiledSegment => ({
  key: segment.key,
  version: segment.version,
  included: new Set(segment.included),
  excluded: new Set(segment.excluded),
  includedContexts: segment.includedContexts.map(segmentTarget),
  excludedContexts: segment.excludedContexts.map(segmentTarget),
  rules: segment.rules.map((rule) => compileSegmentRule(segment, rule, segments)),
  unbounded: segment.unbounded,
  unboundedContextKind: segment.unboundedContextKind ?? 'user',
  generation: segment.generation,
  source: segment,
  visiting: false,
})

const compileSegmentRule = (
  segment: Segment,
  rule: SegmentRule,
  segments: Lookup<CompiledSegment>,
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

const live = <T extends { key: string; deleted: boolean }>(items: Record<string, T>) => {
  const found = new Map<string, T>()
  for (const name in items) {
    const item = items[name]
    if (!item.deleted) found.set(item.key, item)
  }
  return found
}

/**
 * Prepares a validated ruleset for evaluation, once per version. It checks nothing (the model's
 * schemas did): data that is wrong in ways a schema cannot see (a variation index out of range, a
 * prerequisite cycle) evaluates to a MALFORMED_FLAG error, as in LaunchDarkly's SDKs. Flags and
 * segments compile on first use, so preparing a ruleset costs next to nothing.
 */
export const compileRuleset = (ruleset: Ruleset): CompiledRuleset => {
  const segments: Lookup<CompiledSegment> = new LazyMap(live(ruleset.segments), (source: Segment) =>
    compileSegment(source, segments),
  )
  const flags: Lookup<CompiledFlag> = new LazyMap(live(ruleset.flags), (source: Flag) =>
    compileFlag(source, flags, segments),
  )
  return { flags, segments }
}
