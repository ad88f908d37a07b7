import { isJsonObject } from '../model/json'

/** LaunchDarkly's rollout weights are in thousandths of a percent: this much is everyone. */
const EVERYONE = 100_000

const targetsSomeone = (targets: unknown) =>
  Array.isArray(targets) && targets.some((target) => isJsonObject(target) && Array.isArray(target.values) && target.values.length > 0)

const nonEmpty = (list: unknown) => Array.isArray(list) && list.length > 0

// A rollout that gives one variation every bucket serves it as surely as `{variation}` does
const fixedVariation = (serve: unknown): number | undefined => {
  if (!isJsonObject(serve)) return undefined
  if (typeof serve.variation === 'number') return serve.variation
  const rollout = serve.rollout
  if (!isJsonObject(rollout) || !Array.isArray(rollout.variations)) return undefined
  const weighted = rollout.variations.filter((item) => isJsonObject(item) && typeof item.weight === 'number' && item.weight > 0)
  const [only] = weighted
  return weighted.length === 1 && isJsonObject(only) && (only.weight as number) >= EVERYONE && typeof only.variation === 'number'
    ? only.variation
    : undefined
}

/**
 * The variation a flag serves to every context, read from its LaunchDarkly JSON as stored
 * (defaults not filled): it is on, has no prerequisites, no individual targets and no rules, and
 * its fallthrough is one variation. Undefined when contexts may get different variations.
 */
export const servedToEveryone = (flag: unknown): number | undefined => {
  if (!isJsonObject(flag) || flag.on !== true || flag.deleted === true) return undefined
  if (nonEmpty(flag.prerequisites) || nonEmpty(flag.rules)) return undefined
  if (targetsSomeone(flag.targets) || targetsSomeone(flag.contextTargets)) return undefined
  return fixedVariation(flag.fallthrough)
}
