import { describe, expect, it } from 'vitest'
import { compileRuleset, evaluateAll, evaluateFlag } from '../../../src/evaluation'
import { parseRuleset, type Ruleset } from '../../../src/model/ruleset'
import { boolFlag } from '../../support/flags'

// A 1,000-flag environment must not cost a cold isolate a full compile before a single-flag
// answer: only the flag asked for, and what it references, is prepared.

const parse = (json: unknown): Ruleset => {
  const parsed = parseRuleset(json)
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors))
  return parsed.ruleset
}

/** Wraps every flag and segment so that reading its rules (only compiling does) is recorded. */
const watched = (ruleset: Ruleset) => {
  const compiled = new Set<string>()
  const watch = <T extends object>(section: string, items: Record<string, T>) =>
    Object.fromEntries(
      Object.entries(items).map(([key, item]) => [
        key,
        new Proxy(item, {
          get(target, property, receiver) {
            if (property === 'rules') compiled.add(`${section}/${key}`)
            return Reflect.get(target, property, receiver)
          },
        }),
      ]),
    )
  return { ruleset: { flags: watch('flags', ruleset.flags), segments: watch('segments', ruleset.segments) } as Ruleset, compiled }
}

const flag = boolFlag

const inSegment = (segment: string) => ({ clauses: [{ attribute: '', op: 'segmentMatch', values: [segment] }], variation: 0 })

const RULESET = parse({
  flags: {
    alone: flag('alone'),
    parent: flag('parent', { prerequisites: [{ key: 'child', variation: 1 }] }),
    child: flag('child', { rules: [inSegment('outer')] }),
    unrelated: flag('unrelated', { rules: [inSegment('other')] }),
  },
  segments: {
    outer: { key: 'outer', rules: [{ clauses: [{ attribute: '', op: 'segmentMatch', values: ['inner'] }] }] },
    inner: { key: 'inner', included: ['u1'] },
    other: { key: 'other', included: ['u1'] },
  },
})

const user = { kind: 'user', key: 'u1' }

describe('lazy compilation', () => {
  it('compiles nothing until a flag is evaluated', () => {
    const { ruleset, compiled } = watched(RULESET)
    const result = compileRuleset(ruleset)
    expect(result.flags.size).toBe(4)
    expect(compiled).toEqual(new Set())
  })

  it('compiles only the flag asked for', () => {
    const { ruleset, compiled } = watched(RULESET)
    expect(evaluateFlag(compileRuleset(ruleset), 'alone', user).value).toBe(true)
    expect(compiled).toEqual(new Set(['flags/alone']))
  })

  it('compiles prerequisites and segments as evaluation reaches them', () => {
    const { ruleset, compiled } = watched(RULESET)
    // u1 is in inner, so in outer: child serves variation 0 and parent's prerequisite fails
    const result = evaluateFlag(compileRuleset(ruleset), 'parent', user)
    expect(result.reason).toEqual({ kind: 'PREREQUISITE_FAILED', prerequisiteKey: 'child' })
    expect(compiled).toEqual(new Set(['flags/parent', 'flags/child', 'segments/outer', 'segments/inner']))
  })

  it('evaluates a bulk request the same as one flag at a time', () => {
    const compiled = compileRuleset(RULESET)
    const all = evaluateAll(compiled, user)
    for (const key of ['alone', 'parent', 'child', 'unrelated']) {
      expect(all[key]).toEqual(evaluateFlag(compileRuleset(RULESET), key, user))
    }
  })

  it('keeps each flag one object however often it is read', () => {
    const compiled = compileRuleset(RULESET)
    const first = compiled.flags.get('child')
    expect([...compiled.flags.values()]).toContain(first)
    expect(compiled.flags.get('child')).toBe(first)
    expect(compiled.flags.get('parent')!.prerequisites[0].flag).toBe(first)
  })

  it('lists flags in the order the ruleset does, without deleted ones', () => {
    const compiled = compileRuleset(parse({ flags: { b: flag('b'), gone: flag('gone', { deleted: true }), a: flag('a') } }))
    expect([...compiled.flags.keys()]).toEqual(['b', 'a'])
    expect(compiled.flags.has('gone')).toBe(false)
    expect(compiled.flags.get('gone')).toBeUndefined()
  })
})
