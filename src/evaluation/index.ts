/**
 * The edgeflags evaluator: LaunchDarkly's flag model, evaluated synchronously and without I/O.
 * Compile a ruleset once per version, then evaluate it as often as needed.
 */
export { compileRuleset } from './compile'
export { evaluateAll, evaluateCompiledFlag, evaluateFlag } from './evaluate'
export type { EvaluateAllOptions, EvaluationOptions, ValueType } from './evaluate'
export { parseContext } from './context'
export type { EvaluationContext, ParseContextOptions } from './context'
export type { CompiledFlag, CompiledRuleset, CompiledSegment } from './compiled'
export type { BigSegmentsStatus, ErrorKind, Reason } from './reasons'
export type { EvaluationResult } from './result'
