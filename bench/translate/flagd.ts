import type { BenchContext, LdClause, LdFlag } from '../fixtures'

/**
 * LaunchDarkly flag JSON → flagd flag configuration with the same shape of work:
 * one `if` chain tested in LaunchDarkly's order (targets, rules, fallthrough),
 * one JsonLogic test per clause, and `fractional` for the 50/50 fallthrough.
 * Outcomes match LaunchDarkly except inside the rollout, where flagd hashes
 * with murmur3 instead of SHA-1.
 */

type JsonLogic = Record<string, unknown>

export type FlagdFlag = {
  state: 'ENABLED'
  variants: Record<string, string>
  defaultVariant: string
  targeting: JsonLogic
}

export type FlagdConfig = { flags: Record<string, FlagdFlag> }

export function variantName(index: number): string {
  return `v${index}`
}

function clauseLogic(clause: LdClause): JsonLogic {
  const attr = { var: clause.attribute }
  // Our fixtures give endsWith, semVerGreaterThan and greaterThan a single value.
  const [value] = clause.values
  switch (clause.op) {
    case 'in': return { in: [attr, clause.values] }
    case 'endsWith': return { ends_with: [attr, value] }
    case 'semVerGreaterThan': return { sem_ver: [attr, '>', value] }
    case 'greaterThan': return { '>': [attr, value] }
  }
}

function rolloutLogic(flag: LdFlag): JsonLogic {
  const buckets = flag.fallthrough.rollout.variations
    .map((v) => [variantName(v.variation), v.weight])
  return { fractional: buckets }
}

export function toFlagdFlag(flag: LdFlag): FlagdFlag {
  const chain: unknown[] = []
  for (const t of flag.targets) {
    chain.push({ in: [{ var: 'targetingKey' }, t.values] }, variantName(t.variation))
  }
  for (const rule of flag.rules) {
    const tests = rule.clauses.map(clauseLogic)
    chain.push(tests.length === 1 ? tests[0] : { and: tests }, variantName(rule.variation))
  }
  chain.push(rolloutLogic(flag))
  const variants = Object.fromEntries(flag.variations.map((v, i) => [variantName(i), v]))
  return {
    state: 'ENABLED',
    variants,
    defaultVariant: variantName(flag.offVariation),
    targeting: { if: chain },
  }
}

export function toFlagdConfig(flags: LdFlag[]): FlagdConfig {
  return { flags: Object.fromEntries(flags.map((f) => [f.key, toFlagdFlag(f)])) }
}

/** flagd reads the context key from `targetingKey`; the other attributes stay as they are. */
export function toFlagdContext(context: BenchContext) {
  const { key, email, country, age, appVersion } = context
  return { targetingKey: key, email, country, age, appVersion }
}
