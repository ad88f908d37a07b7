import type { Flag } from '../model/flag'
import type { Segment } from '../model/segment'
import type { AttributeReference } from './attribute-reference'
import type { BucketSpec } from './bucketing'
import type { ValueMatcher } from './operators'
import type { Decision } from './result'
import type { Lookup } from './lazy-map'

// The shapes below are the wire types with every lookup done ahead of time: target lists as Sets,
// attribute references parsed, regexes, dates and versions in clause values converted, rollout
// thresholds summed, and prerequisite and segment keys resolved to the objects they name.

export type CompiledClause =
  | {
      readonly type: 'attribute'
      readonly reference: AttributeReference
      /** Set when the reference is one plain attribute name that `attributeNamed` may read. */
      readonly name: string | undefined
      readonly contextKind: string
      readonly negate: boolean
      readonly test: ValueMatcher
    }
  /** Segments that exist, in clause order; keys naming no segment are dropped (they never match). */
  | { readonly type: 'segment'; readonly segments: readonly CompiledSegment[]; readonly negate: boolean }
  /** A clause whose attribute reference is invalid: evaluating it is a MALFORMED_FLAG error. */
  | { readonly type: 'invalid' }

export type CompiledRollout = {
  readonly spec: BucketSpec
  readonly isExperiment: boolean
  /** Running sums of weight/100000, in the rollout's order and float arithmetic. */
  readonly thresholds: readonly number[]
  readonly untracked: readonly boolean[]
  readonly decisions: readonly Decision[]
  /** The same decisions with `inExperiment` set on their reasons. */
  readonly experimentDecisions: readonly Decision[]
}

/** What a rule or the fallthrough serves: a decision made at compile time, or a rollout. */
export type Serve = { readonly decision: Decision } | { readonly rollout: CompiledRollout }

export type CompiledTarget = {
  readonly contextKind: string
  readonly keys: ReadonlySet<string>
  readonly decision: Decision
}

/** `clauses` is undefined for a rule without a clause list: such a rule never matches. */
export type CompiledRule = { readonly clauses: readonly CompiledClause[] | undefined; readonly serve: Serve }

export type CompiledPrerequisite = {
  readonly key: string
  readonly variation: number
  /** Undefined when no flag has this key: the prerequisite then fails. */
  readonly flag: CompiledFlag | undefined
  /** The off variation with reason PREREQUISITE_FAILED. */
  readonly failed: Decision
}

export type ClientSideAvailability = {
  readonly usingEnvironmentId: boolean
  readonly usingMobileKey: boolean
}

export type CompiledFlag = {
  readonly key: string
  readonly version: number
  readonly on: boolean
  readonly variations: readonly unknown[]
  readonly off: Decision
  readonly prerequisites: readonly CompiledPrerequisite[]
  readonly targets: readonly CompiledTarget[]
  /**
   * When there are several targets and all name one context kind: every key they list, so a
   * context in none of them (nearly all) is ruled out with one lookup instead of one per target.
   */
  readonly targetKeys: CompiledSegmentTarget | undefined
  readonly rules: readonly CompiledRule[]
  readonly fallthrough: Serve
  readonly clientSideAvailability: ClientSideAvailability
  readonly source: Flag
  /** Set while this flag is evaluated as a prerequisite, to find prerequisite cycles. */
  visiting: boolean
}

export type CompiledSegmentTarget = { readonly contextKind: string; readonly keys: ReadonlySet<string> }

export type CompiledSegmentRule = {
  /** Undefined for a rule without a clause list: such a rule never matches. */
  readonly clauses: readonly CompiledClause[] | undefined
  /** The share of contexts included, in [0, 1]; undefined includes every matching context. */
  readonly weight: number | undefined
  /** Undefined when `bucketBy` is an invalid reference: a weighted match is then an error. */
  readonly spec: BucketSpec | undefined
}

export type CompiledSegment = {
  readonly key: string
  readonly version: number
  readonly included: ReadonlySet<string>
  readonly excluded: ReadonlySet<string>
  readonly includedContexts: readonly CompiledSegmentTarget[]
  readonly excludedContexts: readonly CompiledSegmentTarget[]
  readonly rules: readonly CompiledSegmentRule[]
  readonly unbounded: boolean
  readonly unboundedContextKind: string
  readonly generation: number | undefined
  readonly source: Segment
  /** Set while this segment is being matched, to find segments that include themselves. */
  visiting: boolean
}

/**
 * A ruleset ready to evaluate. Deleted flags and segments are left out, as if absent. Each item
 * is compiled when first read, with what it references.
 */
export type CompiledRuleset = {
  readonly flags: Lookup<CompiledFlag>
  readonly segments: Lookup<CompiledSegment>
}
