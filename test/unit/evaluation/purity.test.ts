import { readdirSync, readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'

// DESIGN.md: the evaluator runs unchanged in the Worker, the Hub, Node tests and benchmarks, so
// it may import nothing but itself, the model, and node:crypto.
const FOLDER = new URL('../../../src/evaluation/', import.meta.url)
const ALLOWED = /^(\.\/|\.\.\/model\/|node:crypto$)/

describe('src/evaluation', () => {
  it('imports only the model, itself and node:crypto', () => {
    const imports = readdirSync(FOLDER).flatMap((file) =>
      [...readFileSync(new URL(file, FOLDER), 'utf8').matchAll(/from '([^']+)'/g)].map(
        ([, source]) => `${file}: ${source}`,
      ),
    )
    expect(imports.length).toBeGreaterThan(10)
    expect(imports.filter((line) => !ALLOWED.test(line.split(': ')[1]))).toEqual([])
  })
})
