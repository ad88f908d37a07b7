import { describe, expect, it } from 'vitest'
import examples from '../../../examples/flags.json'
import { isCatastrophicRegex } from '../../../src/model/check-regex'
import { checkRuleset } from '../../../src/model/check-ruleset'
import { parseRuleset } from '../../../src/model/ruleset'

type Json = Record<string, unknown>

/** A flag that is valid alone: two variations, off serves 0 and the fallthrough serves 1. */
const flag = (key: string, extra: Json = {}): Json => ({
  key,
  on: true,
  variations: [false, true],
  offVariation: 0,
  fallthrough: { variation: 1 },
  ...extra,
})
const segment = (key: string, extra: Json = {}): Json => ({ key, ...extra })
const ruleset = (flags: Json[], segments: Json[] = []) => ({
  flags: Object.fromEntries(flags.map((item) => [item.key, item])),
  segments: Object.fromEntries(segments.map((item) => [item.key, item])),
})
const many = (count: number, make: (i: number) => Json) =>
  Array.from({ length: count }, (_, i) => make(i))

const clause = (op: string, values: unknown[], extra: Json = {}): Json => ({
  contextKind: 'user',
  attribute: 'email',
  op,
  values,
  ...extra,
})
const rule = (clauses: Json[], serve: Json = { variation: 1 }): Json => ({ clauses, ...serve })
/** A rollout over variations 0, 1, 0, … with these weights. */
const rollout = (...weights: number[]) => ({
  rollout: { variations: weights.map((weight, i) => ({ variation: i % 2, weight })) },
})
/** A rollout that serves variation 0 to everyone, with `extra` on the rollout. */
const everyone = (extra: Json = {}) => ({
  rollout: { variations: [{ variation: 0, weight: 100000 }], ...extra },
})
const requires = (...keys: string[]) => ({
  prerequisites: keys.map((key) => ({ key, variation: 1 })),
})
const matchesSegments = (...keys: unknown[]) => ({
  rules: [{ clauses: [clause('segmentMatch', keys, { attribute: '' })] }],
})

/** A ruleset of one flag, `f`. */
const f = (extra: Json) => ruleset([flag('f', extra)])
/** A ruleset of one flag, `f`, with one rule of these clauses. */
const inRule = (...clauses: Json[]) => f({ rules: [rule(clauses)] })

// Through parseRuleset first, as the webhook does, so LaunchDarkly's defaults are filled
const check = (json: unknown) => {
  const parsed = parseRuleset(json)
  if (!parsed.ok) throw new Error(`not a ruleset: ${JSON.stringify(parsed.errors)}`)
  return checkRuleset(parsed.ruleset)
}

describe('checkRuleset', () => {
  it.each<[string, unknown]>([
    ['the example flags', examples],
    ['an empty ruleset', {}],
    ['keys of letters, digits, dots and dashes', ruleset([flag('Team_1.new-checkout')])],
    ['a key of 256 characters', ruleset([flag('k'.repeat(256))])],
    [
      'a variation or rollout in every place one may appear',
      f({
        targets: [{ values: ['a'], variation: 0 }],
        contextTargets: [{ contextKind: 'org', values: ['o'], variation: 1 }],
        rules: [rule([], { variation: 0 }), rule([], rollout(30000, 70000))],
        fallthrough: rollout(100000),
      }),
    ],
    ['a flag without an off variation (null reads as absent)', f({ offVariation: null })],
    [
      'a rollout bucketed by an attribute reference',
      f({ fallthrough: everyone({ contextKind: 'org', bucketBy: '/address/city' }) }),
    ],
    [
      'an experiment, whose bucketBy is never read',
      f({ fallthrough: everyone({ kind: 'experiment', contextKind: 'user', bucketBy: '//' }) }),
    ],
    [
      "a prerequisite variation within the prerequisite's own variations",
      ruleset([
        flag('a', { prerequisites: [{ key: 'b', variation: 2 }] }),
        flag('b', { variations: ['x', 'y', 'z'] }),
      ]),
    ],
    [
      'prerequisites shaped like a diamond',
      ruleset([
        flag('a', requires('b', 'c')),
        flag('b', requires('d')),
        flag('c', requires('d')),
        flag('d'),
      ]),
    ],
    [
      'segments that match other segments without a cycle',
      ruleset(
        [flag('f', { rules: [rule([clause('segmentMatch', ['s'])])] })],
        [segment('s', matchesSegments('t')), segment('t')],
      ),
    ],
    [
      'segment rules weighted 0 and 100000',
      ruleset([], [segment('s', { rules: [{ weight: 0 }, { weight: 100000 }] })]),
    ],
    [
      'a legacy clause, whose attribute is a literal name, slashes and all',
      inRule(clause('in', ['x'], { contextKind: null, attribute: '/a//b' })),
    ],
    [
      'values of the wrong type for string operators, which never match',
      inRule(clause('startsWith', [1, true, null, {}]), clause('matches', [42, null, ['a']])),
    ],
    [
      'ordinary regexes',
      inRule(
        clause('matches', [
          '^[a-z]+@example\\.com$',
          '(ab)+',
          '\\d{3}-\\d{4}',
          '(foo|bar)baz',
          'a+b+c+',
        ]),
      ),
    ],
    ['a regex of exactly 512 characters', inRule(clause('matches', ['a'.repeat(512)]))],
    [
      'a deleted flag and segment, whose contents are never evaluated',
      ruleset(
        [flag('gone', { deleted: true, offVariation: 9, fallthrough: {}, ...requires('gone') })],
        [
          segment('old', {
            deleted: true,
            rules: [{ weight: -1, clauses: [clause('segmentMatch', ['old'])] }],
          }),
        ],
      ),
    ],
  ])('accepts %s', (_, json) => {
    expect(check(json)).toEqual([])
  })

  // [what, ruleset, every path reported, what each message must mention]
  it.each<[string, unknown, string[], RegExp]>([
    // 1. keys
    [
      'a flag key with a space',
      ruleset([flag('my flag')]),
      ['flags["my flag"].key'],
      /"my flag" is not allowed: use 1 to 256 letters, digits/,
    ],
    [
      'a segment key of 257 characters',
      ruleset([], [segment('s'.repeat(257))]),
      [`segments.${'s'.repeat(257)}.key`],
      /not allowed: use 1 to 256/,
    ],
    // 2. limits
    [
      'more than 5000 flags',
      ruleset(many(5001, (i) => flag(`f${i}`))),
      ['flags'],
      /5001 flags: at most 5000 are allowed/,
    ],
    [
      'more than 5000 segments',
      ruleset([], many(5001, (i) => segment(`s${i}`))),
      ['segments'],
      /5001 segments: at most 5000/,
    ],
    // 3. variation indexes
    [
      'an off variation past the last',
      f({ offVariation: 2 }),
      ['flags.f.offVariation'],
      /variation 2 does not exist: the flag has 2, numbered 0 to 1/,
    ],
    [
      'a negative fallthrough variation',
      f({ fallthrough: { variation: -1 } }),
      ['flags.f.fallthrough.variation'],
      /variation -1 does not exist/,
    ],
    [
      'a rule variation past the last',
      f({ rules: [rule([clause('in', ['x'])], { variation: 5 })] }),
      ['flags.f.rules[0].variation'],
      /variation 5 does not exist/,
    ],
    [
      'a target variation past the last',
      f({ targets: [{ values: ['a'], variation: 2 }] }),
      ['flags.f.targets[0].variation'],
      /variation 2 does not exist/,
    ],
    [
      'a context target variation past the last',
      f({ contextTargets: [{ contextKind: 'org', values: ['o'], variation: 3 }] }),
      ['flags.f.contextTargets[0].variation'],
      /variation 3 does not exist/,
    ],
    [
      'a fallthrough rollout variation past the last',
      f({ variations: ['only'], fallthrough: rollout(50000, 50000) }),
      ['flags.f.fallthrough.rollout.variations[1].variation'],
      /variation 1 does not exist: the flag has 1, numbered 0 to 0/,
    ],
    [
      'a rule rollout variation past the last',
      f({ rules: [rule([], { rollout: { variations: [{ variation: 7, weight: 100000 }] } })] }),
      ['flags.f.rules[0].rollout.variations[0].variation'],
      /variation 7 does not exist/,
    ],
    [
      "a prerequisite variation past the prerequisite flag's last",
      ruleset([
        flag('a', { variations: [1, 2, 3], prerequisites: [{ key: 'b', variation: 2 }] }),
        flag('b'),
      ]),
      ['flags.a.prerequisites[0].variation'],
      /variation 2 does not exist: prerequisite flag "b" has 2, numbered 0 to 1/,
    ],
    [
      'a flag without variations',
      f({ variations: [] }),
      ['flags.f.offVariation', 'flags.f.fallthrough.variation'],
      /the flag has none/,
    ],
    // 4. something to serve, weights
    [
      'a fallthrough that serves nothing',
      f({ fallthrough: {} }),
      ['flags.f.fallthrough'],
      /serves nothing: give it a "variation" index or a "rollout"/,
    ],
    [
      'a rule that serves nothing',
      f({ rules: [{ clauses: [] }] }),
      ['flags.f.rules[0]'],
      /serves nothing/,
    ],
    [
      'a rollout without weighted variations',
      f({ fallthrough: everyone({ variations: [] }) }),
      ['flags.f.fallthrough.rollout.variations'],
      /no weighted variations: list at least one/,
    ],
    [
      'rollout weights that add up to 99999',
      f({ fallthrough: rollout(50000, 49999) }),
      ['flags.f.fallthrough.rollout.variations'],
      /add up to 99999: they must add up to exactly 100000/,
    ],
    [
      // the sum is 100000, yet each weight is out of range
      'rollout weights above 100000 and below 0',
      f({ rules: [rule([], rollout(100001, -1))] }),
      [
        'flags.f.rules[0].rollout.variations[0].weight',
        'flags.f.rules[0].rollout.variations[1].weight',
      ],
      /weight -?\d+ is out of range: use a whole number from 0 to 100000/,
    ],
    [
      'segment rule weights out of range',
      ruleset([], [segment('s', { rules: [{ weight: 100001 }, { weight: -1 }] })]),
      ['segments.s.rules[0].weight', 'segments.s.rules[1].weight'],
      /is out of range: use a whole number from 0 to 100000/,
    ],
    // 5. references
    [
      'a prerequisite that does not exist',
      ruleset([flag('a', requires('nope'))]),
      ['flags.a.prerequisites[0].key'],
      /prerequisite flag "nope" does not exist/,
    ],
    [
      'a prerequisite that is deleted',
      ruleset([flag('a', requires('b')), flag('b', { deleted: true })]),
      ['flags.a.prerequisites[0].key'],
      /prerequisite flag "b" is deleted/,
    ],
    [
      'a segmentMatch naming no segment',
      inRule(clause('segmentMatch', ['nope'])),
      ['flags.f.rules[0].clauses[0].values[0]'],
      /segment "nope" does not exist/,
    ],
    [
      'a segmentMatch naming a deleted segment',
      ruleset(
        [flag('f', { rules: [rule([clause('segmentMatch', ['old'])])] })],
        [segment('old', { deleted: true })],
      ),
      ['flags.f.rules[0].clauses[0].values[0]'],
      /segment "old" is deleted/,
    ],
    [
      'a segmentMatch value that is not a string',
      ruleset([flag('f', { rules: [rule([clause('segmentMatch', ['s', 42])])] })], [segment('s')]),
      ['flags.f.rules[0].clauses[0].values[1]'],
      /segmentMatch values must be segment keys, not a number/,
    ],
    [
      'a segment rule naming no segment',
      ruleset([], [segment('s', matchesSegments('nope'))]),
      ['segments.s.rules[0].clauses[0].values[0]'],
      /segment "nope" does not exist/,
    ],
    // 6. cycles
    [
      'a flag that requires itself',
      ruleset([flag('a', requires('a'))]),
      ['flags.a.prerequisites[0]'],
      /^prerequisite cycle: a → a; a flag may not require itself/,
    ],
    [
      'flags that require each other',
      ruleset([flag('a', requires('b')), flag('b', requires('c', 'a')), flag('c')]),
      ['flags.a.prerequisites[0]'],
      /^prerequisite cycle: a → b → a;/,
    ],
    [
      'a segment that matches itself',
      ruleset([], [segment('s', matchesSegments('s'))]),
      ['segments.s.rules[0].clauses[0].values[0]'],
      /^segment cycle: s → s; a segment may not match itself/,
    ],
    [
      'segments that match each other',
      ruleset(
        [],
        [segment('s', matchesSegments('t')), segment('t', matchesSegments('u', 's')), segment('u')],
      ),
      ['segments.s.rules[0].clauses[0].values[0]'],
      /^segment cycle: s → t → s;/,
    ],
    // 7. attribute references
    [
      'a clause attribute that is not a valid reference',
      inRule(clause('in', ['x'], { attribute: '/a//b' })),
      ['flags.f.rules[0].clauses[0].attribute'],
      /attribute "\/a\/\/b" is not a valid attribute reference/,
    ],
    [
      'a clause attribute under _meta',
      inRule(clause('in', ['x'], { attribute: '/_meta/secret' })),
      ['flags.f.rules[0].clauses[0].attribute'],
      /not a valid attribute reference: .*not _meta/,
    ],
    [
      'an empty attribute on a legacy clause',
      inRule(clause('in', ['x'], { contextKind: null, attribute: '' })),
      ['flags.f.rules[0].clauses[0].attribute'],
      /attribute is empty: name the context attribute/,
    ],
    [
      'an empty attribute on a clause with a context kind',
      inRule(clause('in', ['x'], { attribute: '' })),
      ['flags.f.rules[0].clauses[0].attribute'],
      /attribute is empty/,
    ],
    [
      'a rollout bucketBy that is not a valid reference',
      f({ fallthrough: everyone({ contextKind: 'user', bucketBy: '/a~2' }) }),
      ['flags.f.fallthrough.rollout.bucketBy'],
      /bucketBy "\/a~2" is not a valid attribute reference/,
    ],
    [
      'a segment rule bucketBy that is not a valid reference',
      ruleset([], [segment('s', { rules: [{ rolloutContextKind: 'user', bucketBy: '//' }] })]),
      ['segments.s.rules[0].bucketBy'],
      /bucketBy "\/\/" is not a valid attribute reference/,
    ],
    // 8. operators
    [
      'an operator LaunchDarkly does not define',
      inRule(clause('equals', ['x'])),
      ['flags.f.rules[0].clauses[0].op'],
      /unknown operator "equals": use one of in, startsWith, .*segmentMatch/,
    ],
    // 9. regexes
    [
      'a regex of 513 characters',
      inRule(clause('matches', ['a'.repeat(513)])),
      ['flags.f.rules[0].clauses[0].values[0]'],
      /513 characters long: at most 512 are allowed/,
    ],
    [
      'a regex that does not compile',
      inRule(clause('matches', ['ok', '('])),
      ['flags.f.rules[0].clauses[0].values[1]'],
      /regex does not compile/,
    ],
    [
      'a regex that can backtrack catastrophically, in a segment rule',
      ruleset([], [segment('s', { rules: [{ clauses: [clause('matches', ['^(a+)+$'])] }] })]),
      ['segments.s.rules[0].clauses[0].values[0]'],
      /regex could backtrack catastrophically/,
    ],
  ])('reports %s', (_, json, paths, mention) => {
    const issues = check(json)
    expect(issues.map((issue) => issue.path)).toEqual(paths)
    for (const { message } of issues) expect(message).toMatch(mention)
  })

  it('reports every problem of a ruleset, not only the first', () => {
    const issues = check(
      ruleset(
        [
          flag('a', {
            offVariation: 7,
            ...requires('a'),
            rules: [rule([clause('bogus', ['x']), clause('matches', ['(a*)*'])])],
          }),
          flag('bad key', { fallthrough: {} }),
        ],
        [segment('s', { rules: [{ weight: -5 }] })],
      ),
    )
    expect(issues.map((issue) => issue.path).sort()).toEqual(
      [
        'flags["bad key"].key',
        'flags.a.offVariation',
        'flags.a.rules[0].clauses[0].op',
        'flags.a.rules[0].clauses[1].values[0]',
        'flags.a.prerequisites[0]',
        'flags["bad key"].fallthrough',
        'segments.s.rules[0].weight',
      ].sort(),
    )
  })
})

describe('cycles through 5000 items', () => {
  // Item i refers to item i + 1; a closed chain also leads from the last back to the first
  const next = (i: number, closed: boolean) => (i + 1 < 5000 ? [i + 1] : closed ? [0] : [])
  const flags = (closed: boolean) =>
    ruleset(many(5000, (i) => flag(`f${i}`, requires(...next(i, closed).map((n) => `f${n}`)))))
  const segments = (closed: boolean) =>
    ruleset(
      [],
      many(5000, (i) => segment(`s${i}`, matchesSegments(...next(i, closed).map((n) => `s${n}`)))),
    )

  it('refuses a chain of 5000 prerequisites, once, as deeper than 100', () => {
    expect(check(flags(false))).toEqual([
      { path: 'flags.f0.prerequisites', message: expect.stringContaining('at most 100') },
    ])
  })

  it('reports a prerequisite cycle through 5000 flags once, from its first flag', () => {
    expect(check(flags(true))).toEqual([
      {
        path: 'flags.f0.prerequisites[0]',
        message: expect.stringMatching(/^prerequisite cycle: f0 → .* → f4999 → f0 \(5000 flags\);/),
      },
    ])
  })

  it('refuses segments nested 5000 deep, once, as deeper than 50', () => {
    expect(check(segments(false))).toEqual([
      { path: 'segments.s0.rules', message: expect.stringContaining('at most 50') },
    ])
  })

  it('reports a segment cycle through 5000 segments once, from its first segment', () => {
    expect(check(segments(true))).toEqual([
      {
        path: 'segments.s0.rules[0].clauses[0].values[0]',
        message: expect.stringMatching(/^segment cycle: s0 → .* → s4999 → s0 \(5000 segments\);/),
      },
    ])
  })
})

describe('isCatastrophicRegex', () => {
  it.each([
    '(a+)+',
    '(a*)*',
    '(x+x+)+y',
    '(\\w+\\s?)*$',
    '(a|a?)+',
    '(.*a){12}',
    '(a|a)+',
    '(a|ab)*',
    '(\\w|\\d)+', // alternatives with classes may overlap: refused, conservatively
    '(a|[ab])+',
    '\\w*\\w*\\w*x', // three unbounded class repeats: polynomial of a high degree
    '.*.*=.*',
    '(\\d|\\d\\d)+',
    '(a|)+', // an empty alternative overlaps every other
    '((a+)b)+', // the inner quantifier counts at any depth
    '(?:a+)+',
    '(?<word>a+)*',
    '(a+?)+', // lazy or greedy, the attempts are as many
    '(a{1,3}){2,}',
    '(ab?)+', // safe, yet refused: the heuristic does not see that each repetition starts with a
  ])('refuses %j', (pattern) => {
    expect(isCatastrophicRegex(pattern)).toBe(true)
  })

  it.each([
    '^[a-z]+@example\\.com$',
    '(ab)+',
    '\\d{3}-\\d{4}',
    '(foo|bar)baz',
    'a+b+c+',
    '(a+)?', // optional, so never repeated
    '(a+){1}',
    '(\\d{3}-)+', // a fixed count does not vary
    '(ab|cd)+',
    '[(a+)+]', // inside a class, parentheses and quantifiers are characters
    '\\(a+\\)+',
    '(a{)+', // a brace that is not a quantifier is a character
    '.*foo.*', // two unbounded class repeats: allowed, bounded by the 1,024-character input limit
  ])('allows %j', (pattern) => {
    expect(isCatastrophicRegex(pattern)).toBe(false)
  })
})
