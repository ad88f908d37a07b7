import type { ConditionInterface, FeatureDefinition, FeatureRule } from '@growthbook/growthbook'
import type { BenchContext, LdClause, LdFlag } from '../fixtures'

/**
 * LaunchDarkly flag JSON → GrowthBook feature definitions with the same shape
 * of work: a `force` rule per target group and per LaunchDarkly rule (tested in
 * the same order), one condition operator per clause, and a final experiment
 * rule that splits on `key` for the 50/50 fallthrough. Outcomes match
 * LaunchDarkly except inside the rollout, where GrowthBook hashes with FNV.
 */

type OperatorValue = Record<string, string | number | (string | number)[]>

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

function operator(clause: LdClause): OperatorValue {
  const [value] = clause.values
  switch (clause.op) {
    case 'in': return { $in: clause.values }
    case 'endsWith': return { $regex: `${escapeRegex(String(value))}$` }
    case 'semVerGreaterThan': return { $vgt: value }
    case 'greaterThan': return { $gt: value }
  }
}

function condition(clauses: LdClause[]): ConditionInterface {
  const parts = clauses.map((c): ConditionInterface => ({ [c.attribute]: operator(c) }))
  // One object holds all clauses unless two test the same attribute.
  const attributes = new Set(clauses.map((c) => c.attribute))
  return attributes.size === clauses.length ? Object.assign({}, ...parts) : { $and: parts }
}

function rolloutRule(flag: LdFlag): FeatureRule<string> {
  const split = flag.fallthrough.rollout.variations
  return {
    key: flag.key,
    variations: split.map((v) => flag.variations[v.variation]),
    weights: split.map((v) => v.weight / 100_000),
    coverage: 1,
    hashAttribute: 'key',
    hashVersion: 2,
    seed: flag.salt,
  }
}

export function toGrowthBookFeature(flag: LdFlag): FeatureDefinition<string> {
  const rules: FeatureRule<string>[] = []
  for (const t of flag.targets) {
    const id = `${flag.key}-targets-${t.variation}`
    rules.push({ id, condition: { key: { $in: t.values } }, force: flag.variations[t.variation] })
  }
  for (const rule of flag.rules) {
    const force = flag.variations[rule.variation]
    rules.push({ id: rule.id, condition: condition(rule.clauses), force })
  }
  rules.push(rolloutRule(flag))
  return { defaultValue: flag.variations[flag.offVariation], rules }
}

export function toGrowthBookFeatures(flags: LdFlag[]) {
  return Object.fromEntries(flags.map((f) => [f.key, toGrowthBookFeature(f)]))
}

/** GrowthBook takes the context as plain attributes; `kind` means nothing to it. */
export function toGrowthBookAttributes(context: BenchContext) {
  const { key, email, country, age, appVersion } = context
  return { key, email, country, age, appVersion }
}
