import { expect } from 'vitest'
import type { Answer } from './worker'

/** OFREP's error codes (OpenAPI `errorCode`). */
export const OFREP_CODES = ['PARSE_ERROR', 'INVALID_CONTEXT', 'TARGETING_KEY_MISSING', 'FLAG_NOT_FOUND', 'TYPE_MISMATCH', 'GENERAL']

const parse = (answer: Answer): unknown => {
  try {
    return JSON.parse(answer.text)
  } catch {
    throw new Error(`HTTP ${answer.status}: the body is not JSON: ${answer.text.slice(0, 200)}`)
  }
}

/** Statuses a documented answer may have; anything 5xx fails every fuzz case. */
export const expectNoServerError = (answer: Answer) => {
  if (answer.status >= 500) throw new Error(`HTTP ${answer.status}: ${answer.text.slice(0, 300)}`)
}

/**
 * `{"error": {"code", "message", "details": [{path, message}]}}` and nothing else, with a
 * non-empty code and message; `code` and `mentions` (a pattern the message must match) narrow it.
 */
export const expectApiError = (answer: Answer, { status, code, mentions }: { status?: number; code?: string | RegExp; mentions?: RegExp } = {}) => {
  if (status !== undefined) expect(answer.status, answer.text.slice(0, 300)).toBe(status)
  expect(answer.status).toBeGreaterThanOrEqual(400)
  expect(answer.status).toBeLessThan(500)
  expect(answer.headers.get('Content-Type')).toMatch(/^application\/json/)
  const body = parse(answer) as { error: { code: unknown; message: unknown; details: unknown } }
  expect(Object.keys(body as object)).toEqual(['error'])
  expect(Object.keys(body.error).sort()).toEqual(['code', 'details', 'message'])
  expect(body.error.code).toEqual(expect.stringMatching(/^[a-z_]+$/))
  expect(body.error.message).toEqual(expect.stringMatching(/\S/))
  expect(Array.isArray(body.error.details)).toBe(true)
  for (const detail of body.error.details as unknown[]) {
    expect(detail).toEqual({ path: expect.any(String), message: expect.stringMatching(/\S/) })
  }
  if (code !== undefined) expect(body.error.code).toMatch(code)
  if (mentions !== undefined) expect(body.error.message).toMatch(mentions)
  return body.error as { code: string; message: string; details: { path: string; message: string }[] }
}

/**
 * An OFREP error: JSON with a known string `errorCode` and a non-empty `errorDetails`, and
 * `key` on single-flag routes.
 */
export const expectOfrepError = (
  answer: Answer,
  { status, errorCode, key, mentions }: { status?: number; errorCode?: string | RegExp; key?: string; mentions?: RegExp } = {},
) => {
  if (status !== undefined) expect(answer.status, answer.text.slice(0, 300)).toBe(status)
  expect(answer.status).toBeGreaterThanOrEqual(400)
  expect(answer.status).toBeLessThan(500)
  const body = parse(answer) as { key?: unknown; errorCode: unknown; errorDetails: unknown }
  expect(OFREP_CODES, answer.text.slice(0, 300)).toContain(body.errorCode)
  expect(body.errorDetails).toEqual(expect.stringMatching(/\S/))
  if (key !== undefined) expect(body.key).toBe(key)
  if (errorCode !== undefined) expect(body.errorCode).toMatch(errorCode)
  if (mentions !== undefined) expect(body.errorDetails).toMatch(mentions)
  return body as { key?: string; errorCode: string; errorDetails: string }
}
