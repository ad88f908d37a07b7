import { readdirSync, readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'

// DESIGN.md: the evaluator runs unchanged in the Worker, the Hub, Node tests and benchmarks, so
// it may import nothing but itself and the model (SHA-1 is our own, in sha1.ts).
const FOLDER = new URL('../../../src/evaluation/', import.meta.url)
const ALLOWED = /^(\.\/|\.\.\/model\/)/

describe('src/evaluation', () => {
  it('imports only the model and itself', () => {
    const imports = readdirSync(FOLDER).flatMap((file) =>
      [...readFileSync(new URL(file, FOLDER), 'utf8').matchAll(/from '([^']+)'/g)].map(
        ([, source]) => `${file}: ${source}`,
      ),
    )
    expect(imports.length).toBeGreaterThan(10)
    expect(imports.filter((line) => !ALLOWED.test(line.split(': ')[1]))).toEqual([])
  })
})
