/** Where things live in the FLAGS namespace (DESIGN.md section 3). */
export const rulesetKey = (environment: string) => `env/${environment}/ruleset`

export const apiKeyRecordKey = (hash: string) => `key/${hash}`

/** The Cache API entry for an environment's ruleset, colo-local and tagged for purges. */
export const rulesetCacheUrl = (environment: string) =>
  `https://edgeflags.internal/env/${encodeURIComponent(environment)}/ruleset`

export const rulesetCacheTag = (environment: string) => `edgeflags-${environment}`
