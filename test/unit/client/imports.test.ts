import { readdirSync, readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'

// The client ships alone to browsers and React Native: it may import nothing but itself (not
// even src/evaluation; it only talks to the server).
const FOLDER = new URL('../../../src/client/', import.meta.url)

describe('src/client', () => {
  it('imports only itself', () => {
    const files = readdirSync(FOLDER).filter((file) => file.endsWith('.ts'))
    const imports = files.flatMap((file) =>
      [...readFileSync(new URL(file, FOLDER), 'utf8').matchAll(/(?:from|import)\s*\(?\s*'([^']+)'/g)].map(([, source]) => `${file}: ${source}`),
    )
    expect(imports.length).toBeGreaterThan(10)
    expect(imports.filter((line) => !line.split(': ')[1].startsWith('./'))).toEqual([])
  })
})
