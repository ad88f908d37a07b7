import { FlagdCore } from '@openfeature/flagd-core'
import type { FlagdCoreOptions } from '@openfeature/flagd-core'
import type { BenchContext, LdFlag } from '../fixtures'
import { toFlagdConfig, toFlagdContext } from '../translate/flagd'
import type { Peer, Session } from './peer'

/**
 * flagd's in-process evaluator. By default it compiles targeting with
 * `new Function()`, which Workers forbid; `disableDynamicCodeGeneration`
 * switches to the interpreter that a Worker would have to use.
 */

const FALLBACK = 'fallback'

function session(core: FlagdCore, contexts: BenchContext[]): Session {
  const flagdContexts = contexts.map(toFlagdContext)
  return {
    one: (flagKey, ci) => core.resolveStringEvaluation(flagKey, FALLBACK, flagdContexts[ci]),
    all: (ci) => core.resolveAll(flagdContexts[ci]),
    async outcome(flagKey, ci) {
      const details = core.resolveStringEvaluation(flagKey, FALLBACK, flagdContexts[ci])
      // Variants are named `v<index>` by the translation.
      const index = details.variant === undefined ? null : Number(details.variant.slice(1))
      return { value: details.value, variationIndex: index }
    },
    close: () => undefined,
  }
}

export function flagdPeer(options: FlagdCoreOptions = {}): Peer {
  return {
    name: options.disableDynamicCodeGeneration ? 'flagd-core (interpreter)' : 'flagd-core',
    async: false,
    prepare(flags, contexts) {
      // setConfigurations takes a JSON string, so parsing it is part of flagd's load.
      const json = JSON.stringify(toFlagdConfig(flags))
      return () => {
        const core = new FlagdCore(undefined, undefined, options)
        core.setConfigurations(json)
        return session(core, contexts)
      }
    },
  }
}
