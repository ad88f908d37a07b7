import type { BigSegmentsStatus } from './reasons'

// Evaluation is synchronous, so one evaluation's big-segment status can live here between
// `resetBigSegments` and `bigSegmentsStatus` without being passed through every step.
let status: BigSegmentsStatus | undefined

export const resetBigSegments = () => {
  status = undefined
}

export const noteBigSegment = () => {
  status = 'NOT_CONFIGURED'
}

export const bigSegmentsStatus = () => status
