import { parseAttributeReference } from '../evaluation/attribute-reference'
import { deepestBeyond, findCycles, prerequisiteGraph, segmentGraph, spellCycle } from './check-cycles'
import { regexProblem } from './check-regex'
import { OPERATORS, type Clause } from './clause'
import type { Flag, Prerequisite } from './flag'
import { formatPath, type ValidationIssue } from './issues'
import type { Rollout, VariationOrRollout } from './rollout'
import type { Ruleset } from './ruleset'
import type { Segment, SegmentRule } from './segment'

/** Per environment (DESIGN.md section 8). */
export const MAX_FLAGS = 5000
export const MAX_SEGMENTS = 5000

// Weights are thousandths of a percent, and LaunchDarkly requires a rollout's to total 100%
const ALL = 100_000
const KEY = /^[A-Za-z0-9._-]{1,256}$/
const KNOWN_OPERATORS: ReadonlySet<string> = new Set(OPERATORS)
const REFERENCE_HELP =
  'use a name, or a path such as /address/city with "/" written ~1 and "~" written ~0 (not _meta)'

type Path = readonly PropertyKey[]

/** The ruleset's items by key (deleted ones too, to say so), and where issues go. */
type Checker = {
  flags: ReadonlyMap<string, Flag>
  segments: ReadonlyMap<string, Segment>
  report: (path: Path, message: string) => void
}

const quote = (text: string) => JSON.stringify(text)

const kindOf = (value: unknown) =>
  value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`

const checkSection = (check: Checker, section: 'flags' | 'segments', max: number) => {
  const keys = [...check[section].keys()]
  if (keys.length > max) {
    check.report([section], `${keys.length} ${section}: at most ${max} are allowed per environment`)
  }
  for (const key of keys.filter((key) => !KEY.test(key))) {
    const allowed = 'use 1 to 256 letters, digits, ".", "_" or "-"'
    check.report([section, key, 'key'], `key ${quote(key)} is not allowed: ${allowed}`)
  }
}

// `whose` names, in the message, the flag whose variations the index picks from
const checkVariation = (check: Checker, path: Path, index: number, flag: Flag, whose?: string) => {
  const count = flag.variations.length
  if (index >= 0 && index < count) return
  const range = count === 0 ? 'none' : `${count}, numbered 0 to ${count - 1}`
  check.report(path, `variation ${index} does not exist: ${whose ?? 'the flag'} has ${range}`)
}

const checkWeight = (check: Checker, path: Path, weight: number) => {
  if (Number.isInteger(weight) && weight >= 0 && weight <= ALL) return
  check.report(path, `weight ${weight} is out of range: use a whole number from 0 to ${ALL} (100%)`)
}

// Without a context kind an attribute predates references: its name is literal, slashes and all
const checkAttribute = (check: Checker, path: Path, text: string, kind: string | undefined) => {
  const role = String(path[path.length - 1])
  if (text === '') return check.report(path, `${role} is empty: name the context attribute to read`)
  if (parseAttributeReference(text, !kind).valid) return
  check.report(path, `${role} ${quote(text)} is not a valid attribute reference: ${REFERENCE_HELP}`)
}

const checkRollout = (check: Checker, flag: Flag, path: Path, rollout: Rollout) => {
  const { variations } = rollout
  if (variations.length === 0) {
    const fix = `list at least one, with weights adding up to ${ALL}`
    return check.report([...path, 'variations'], `rollout has no weighted variations: ${fix}`)
  }
  variations.forEach(({ variation, weight }, j) => {
    checkVariation(check, [...path, 'variations', j, 'variation'], variation, flag)
    checkWeight(check, [...path, 'variations', j, 'weight'], weight)
  })
  const total = variations.reduce((sum, { weight }) => sum + weight, 0)
  if (total !== ALL) {
    const rule = `they must add up to exactly ${ALL} (100%)`
    check.report([...path, 'variations'], `weights add up to ${total}: ${rule}`)
  }
  // Experiments always bucket by key, whatever bucketBy says (LaunchDarkly's SDK spec)
  if (rollout.kind !== 'experiment' && rollout.bucketBy) {
    checkAttribute(check, [...path, 'bucketBy'], rollout.bucketBy, rollout.contextKind)
  }
}

const checkServe = (check: Checker, flag: Flag, path: Path, serve: VariationOrRollout) => {
  if (serve.variation === undefined && serve.rollout === undefined) {
    return check.report(path, 'serves nothing: give it a "variation" index or a "rollout"')
  }
  if (serve.variation !== undefined) {
    checkVariation(check, [...path, 'variation'], serve.variation, flag)
  }
  if (serve.rollout !== undefined) checkRollout(check, flag, [...path, 'rollout'], serve.rollout)
}

const checkSegmentKey = (check: Checker, path: Path, value: unknown) => {
  if (typeof value !== 'string') {
    return check.report(path, `segmentMatch values must be segment keys, not ${kindOf(value)}`)
  }
  const segment = check.segments.get(value)
  if (segment === undefined) check.report(path, `segment ${quote(value)} does not exist`)
  else if (segment.deleted) check.report(path, `segment ${quote(value)} is deleted`)
}

// Values of the wrong type are allowed: LaunchDarkly's operators answer "no match" for them
const checkClause = (check: Checker, path: Path, clause: Clause) => {
  if (!KNOWN_OPERATORS.has(clause.op)) {
    const allowed = `use one of ${OPERATORS.join(', ')}`
    check.report([...path, 'op'], `unknown operator ${quote(clause.op)}: ${allowed}`)
  }
  const { values } = clause
  // A segmentMatch clause tests membership, so its attribute is never read
  if (clause.op === 'segmentMatch') {
    return values.forEach((value, k) => checkSegmentKey(check, [...path, 'values', k], value))
  }
  checkAttribute(check, [...path, 'attribute'], clause.attribute, clause.contextKind)
  if (clause.op !== 'matches') return
  values.forEach((value, k) => {
    const problem = typeof value === 'string' ? regexProblem(value) : undefined
    if (problem !== undefined) check.report([...path, 'values', k], problem)
  })
}

const checkPrerequisite = (check: Checker, path: Path, { key, variation }: Prerequisite) => {
  const required = check.flags.get(key)
  const name = `prerequisite flag ${quote(key)}`
  if (required === undefined) return check.report([...path, 'key'], `${name} does not exist`)
  if (required.deleted) return check.report([...path, 'key'], `${name} is deleted`)
  checkVariation(check, [...path, 'variation'], variation, required, name)
}

// A deleted item is a tombstone that is never evaluated, so only its key is checked
const checkFlag = (check: Checker, key: string, flag: Flag) => {
  if (flag.deleted) return
  const at = (...path: PropertyKey[]) => ['flags', key, ...path]
  if (flag.offVariation !== undefined) {
    checkVariation(check, at('offVariation'), flag.offVariation, flag)
  }
  checkServe(check, flag, at('fallthrough'), flag.fallthrough)
  for (const list of ['targets', 'contextTargets'] as const) {
    flag[list].forEach(({ variation }, i) => {
      checkVariation(check, at(list, i, 'variation'), variation, flag)
    })
  }
  flag.rules.forEach((rule, i) => {
    checkServe(check, flag, at('rules', i), rule)
    rule.clauses?.forEach((clause, j) => checkClause(check, at('rules', i, 'clauses', j), clause))
  })
  flag.prerequisites.forEach((prerequisite, i) => {
    checkPrerequisite(check, at('prerequisites', i), prerequisite)
  })
}

const checkSegmentRule = (check: Checker, path: Path, rule: SegmentRule) => {
  if (rule.weight !== undefined) checkWeight(check, [...path, 'weight'], rule.weight)
  if (rule.bucketBy) {
    checkAttribute(check, [...path, 'bucketBy'], rule.bucketBy, rule.rolloutContextKind)
  }
  rule.clauses?.forEach((clause, j) => checkClause(check, [...path, 'clauses', j], clause))
}

const checkSegment = (check: Checker, key: string, segment: Segment) => {
  if (segment.deleted) return
  segment.rules.forEach((rule, i) => checkSegmentRule(check, ['segments', key, 'rules', i], rule))
}

// Evaluation follows prerequisites and nested segments recursively: deeper chains than these
// would cost stack and time on every evaluation (and LaunchDarkly's own UI goes nowhere near)
export const MAX_PREREQUISITE_DEPTH = 100
export const MAX_SEGMENT_DEPTH = 50

const checkCycles = (check: Checker) => {
  const prerequisites = prerequisiteGraph(check.flags)
  const segments = segmentGraph(check.segments)
  const prerequisiteCycles = findCycles(prerequisites)
  for (const { keys, path } of prerequisiteCycles) {
    const rule = 'a flag may not require itself, directly or through other flags'
    check.report(path, `prerequisite cycle: ${spellCycle(keys, 'flags')}; ${rule}`)
  }
  const segmentCycles = findCycles(segments)
  for (const { keys, path } of segmentCycles) {
    const rule = 'a segment may not match itself, directly or through other segments'
    check.report(path, `segment cycle: ${spellCycle(keys, 'segments')}; ${rule}`)
  }
  const deepFlag = prerequisiteCycles.length === 0 ? deepestBeyond(prerequisites, MAX_PREREQUISITE_DEPTH) : undefined
  if (deepFlag !== undefined) {
    check.report(['flags', deepFlag.key, 'prerequisites'], `a prerequisite chain more than ${MAX_PREREQUISITE_DEPTH} flags deep starts here; at most ${MAX_PREREQUISITE_DEPTH} allowed`)
  }
  const deepSegment = segmentCycles.length === 0 ? deepestBeyond(segments, MAX_SEGMENT_DEPTH) : undefined
  if (deepSegment !== undefined) {
    check.report(['segments', deepSegment.key, 'rules'], `segments nested more than ${MAX_SEGMENT_DEPTH} deep start here; at most ${MAX_SEGMENT_DEPTH} allowed`)
  }
}

/**
 * Everything wrong with a ruleset that its schema cannot see, each problem with its JSON path;
 * empty when the ruleset is valid. Run `parseRuleset` first, for the shape and the defaults.
 * The evaluator tolerates these problems (a MALFORMED_FLAG error at evaluation time, as in
 * LaunchDarkly's SDKs); the admin webhook refuses them up front instead, all of them at once.
 */
export const checkRuleset = (ruleset: Ruleset): ValidationIssue[] => {
  const issues: ValidationIssue[] = []
  const check: Checker = {
    flags: new Map(Object.entries(ruleset.flags)),
    segments: new Map(Object.entries(ruleset.segments)),
    report: (path, message) => issues.push({ path: formatPath(path), message }),
  }
  checkSection(check, 'flags', MAX_FLAGS)
  checkSection(check, 'segments', MAX_SEGMENTS)
  for (const [key, flag] of check.flags) checkFlag(check, key, flag)
  for (const [key, segment] of check.segments) checkSegment(check, key, segment)
  checkCycles(check)
  return issues
}
