import { readdirSync, readFileSync } from 'node:fs'

/** One LaunchDarkly conformance case, as vendored in test/fixtures/ld-eval-cases. */
export type ConformanceCase = {
  name: string
  sdkData: { flags?: Record<string, unknown>; segments?: Record<string, unknown> }
  flagKey: string
  context: unknown
  contextAsSent: unknown
  legacyUser: unknown
  defaultValue: unknown
  valueType: 'bool' | 'int' | 'double' | 'string' | 'any'
  expect: { value: unknown; variationIndex: number | null; reason: Record<string, unknown> }
}

export type CaseFile = { file: string; caseCount: number; cases: ConformanceCase[] }

const FOLDER = new URL('../fixtures/ld-eval-cases/', import.meta.url)

export const loadCaseFiles = (): CaseFile[] =>
  readdirSync(FOLDER)
    .filter((file) => file.endsWith('.json') && file !== 'index.json')
    .sort()
    .map((file) => ({ file, ...JSON.parse(readFileSync(new URL(file, FOLDER), 'utf8')) }))

export const loadIndex = (): { files: { file: string; cases: number }[] } =>
  JSON.parse(readFileSync(new URL('index.json', FOLDER), 'utf8'))
