import { makeContexts, makeFlags, makePairs, PAIR_MASK } from './fixtures'
import { compileRuleset, evaluateAll, evaluateFlag } from '../src/evaluation'
import { parseRuleset } from '../src/model/ruleset'

// A tight loop over one measurement, for `node --cpu-prof`: `npx tsx bench/profile.ts one|all`
const flags = makeFlags(200)
const contexts = makeContexts()
const pairs = makePairs(flags)
const parsed = parseRuleset({ flags: Object.fromEntries(flags.map((f) => [f.key, f])) })
if (!parsed.ok) throw new Error('bench flags do not parse')
const ruleset = compileRuleset(parsed.ruleset)
const mode = process.argv[2] ?? 'one'
const seconds = Number(process.env.PROFILE_SECONDS ?? 3)
const until = performance.now() + seconds * 1000
let count = 0
let sink = 0
while (performance.now() < until) {
  for (let i = 0; i < 1000; i += 1, count += 1) {
    if (mode === 'all') sink += Object.keys(evaluateAll(ruleset, contexts[count % contexts.length])).length
    else {
      const p = count & PAIR_MASK
      sink += evaluateFlag(ruleset, pairs.flagKeys[p], contexts[pairs.contextIndexes[p]]).variationIndex ?? 0
    }
  }
}
console.log(`${mode}: ${((count / seconds) / 1000).toFixed(1)} k/s (${sink > 0})`)
