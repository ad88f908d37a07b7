import { describe, expect, it } from 'vitest'
import { compileRuleset, evaluateFlag } from '../../../src/evaluation'
import { parseRuleset } from '../../../src/model/ruleset'
import { boolFlag as flag } from '../../support/flags'

// Flags with several targets of one kind first look the key up in all of their keys at once;
// what a context is served must not change.

const parse = (json: unknown) => {
  const parsed = parseRuleset(json)
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors))
  return parsed.ruleset
}

describe('individual targets', () => {
  const targeted = parse({
    flags: {
      t: flag('t', {
        variations: ['a', 'b', 'c'],
        targets: [
          { variation: 1, values: ['k1', 'both'] },
          { variation: 2, values: ['k2', 'both'] },
        ],
        rules: [{ id: 'r', variation: 0, clauses: [{ attribute: 'key', op: 'in', values: ['k1', 'k3'] }] }],
      }),
    },
  })

  it.each([
    ['k1', 'b', 'TARGET_MATCH'],
    ['k2', 'c', 'TARGET_MATCH'],
    // listed twice: the first target in the flag's order wins
    ['both', 'b', 'TARGET_MATCH'],
    // in no target: the rules decide, as without any targets
    ['k3', 'a', 'RULE_MATCH'],
    ['k4', 'b', 'FALLTHROUGH'],
  ])('serves %s by its first target, or by the rules when it is in none', (key, value, kind) => {
    const result = evaluateFlag(compileRuleset(targeted), 't', { kind: 'user', key })
    expect([result.reason.kind, result.value]).toEqual([kind, value])
  })
})
