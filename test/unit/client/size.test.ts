import { gzipSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { buildClient } from '../../../scripts/build-client'

const BUDGET = 5 * 1024

describe('the client bundle', () => {
  it('is at most 5 KiB minified and gzipped, with no imports left', async () => {
    const code = await buildClient()
    const gzipped = gzipSync(code).length
    console.log(`client bundle: ${code.length} bytes minified, ${gzipped} bytes gzipped (budget ${BUDGET})`)
    expect(gzipped).toBeLessThanOrEqual(BUDGET)
    expect(code).not.toMatch(/\bimport\s*[{*"'(]|\brequire\(/)
    expect(code).toMatch(/export\s*\{/)
  })
})
