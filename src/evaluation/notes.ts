import type { BigSegmentsStatus } from './reasons'

// Evaluation is synchronous, so what one evaluation notices on the way (an unbounded segment,
// a read of a key the context does not have) can live here between `resetNotes` and the end of
// that evaluation, instead of being threaded through every step.
let bigSegments: BigSegmentsStatus | undefined
let keyMissing = false

export const resetNotes = () => {
  bigSegments = undefined
  keyMissing = false
}

export const noteBigSegment = () => {
  bigSegments = 'NOT_CONFIGURED'
}

export const noteKeyMissing = () => {
  keyMissing = true
}

export const bigSegmentsStatus = () => bigSegments

/** Whether the evaluation needed the key of a context that has none (see `parseContext`). */
export const neededMissingKey = () => keyMissing
