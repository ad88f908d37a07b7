import { describe, expect, it } from 'vitest'
import { compilePaths } from '../../../src/bootstrap/paths'

const ROWS: [paths: string | undefined, path: string, matches: boolean][] = [
  [undefined, '/', false],
  ['', '/', false],
  ['/', '/', true],
  ['/', '/shop', false],
  ['/shop/*', '/shop/a', true],
  ['/shop/*', '/shop/a/b', false],
  ['/shop/**', '/shop/a/b', true],
  ['/, /shop/**', '/shop/', true],
  // regex characters are literal
  ['/a.html', '/aXhtml', false],
  ['/a.html', '/a.html', true],
]

describe('compilePaths', () => {
  it.each(ROWS)('%j against %s is %s', (paths, path, matches) => {
    expect(compilePaths(paths)(path)).toBe(matches)
  })
})
