/**
 * A small valid boolean flag, visible to every key kind, serving `true` by default; `extra`
 * overrides any field. Shared by tests and benchmarks that build rulesets by hand.
 */
export const boolFlag = (key: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  key,
  on: true,
  variations: [false, true],
  offVariation: 0,
  fallthrough: { variation: 1 },
  clientSideAvailability: { usingEnvironmentId: true, usingMobileKey: true },
  ...extra,
})
