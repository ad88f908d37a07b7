import { compileRuleset, evaluateAll, evaluateFlag } from '../../src/evaluation/index'
import { parseRuleset, type Ruleset } from '../../src/model/ruleset'
import type { BenchContext, LdFlag } from '../fixtures'
import type { Peer, Session } from './peer'

/**
 * edgeflags itself. Its load is what a Worker does with a fresh ruleset:
 * validate it with the zod schemas, then compile it.
 */

type Compiled = ReturnType<typeof compileRuleset>

function toInput(flags: LdFlag[]) {
  return { flags: Object.fromEntries(flags.map((f) => [f.key, f])), segments: {} }
}

function parse(input: unknown): Ruleset {
  const parsed = parseRuleset(input)
  if (!parsed.ok) {
    throw new Error(`the bench flags do not parse: ${JSON.stringify(parsed.errors.slice(0, 3))}`)
  }
  return parsed.ruleset
}

function session(compiled: Compiled, contexts: BenchContext[]): Session {
  return {
    one: (flagKey, ci) => evaluateFlag(compiled, flagKey, contexts[ci]),
    all: (ci) => evaluateAll(compiled, contexts[ci]),
    async outcome(flagKey, ci) {
      const { value, variationIndex, reason } = evaluateFlag(compiled, flagKey, contexts[ci])
      return { value, variationIndex: variationIndex ?? null, reasonKind: reason.kind }
    },
    close: () => undefined,
  }
}

export const edgeflags: Peer = {
  name: 'edgeflags',
  async: false,
  prepare(flags, contexts) {
    const input = toInput(flags)
    return () => session(compileRuleset(parse(input)), contexts)
  },
}

/** Compilation alone, from an already validated ruleset, for the "compile only" rows. */
export function prepareCompileOnly(flags: LdFlag[]): () => Compiled {
  const ruleset = parse(toInput(flags))
  return () => compileRuleset(ruleset)
}
