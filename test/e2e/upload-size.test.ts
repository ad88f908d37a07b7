import { beforeAll, describe, expect, it } from 'vitest'
import { dryRun, UPLOAD_BUDGET_GZIP_KIB, type DryRun } from '../../scripts/upload-size'

// The deployed upload is a product metric (DESIGN.md section 11): wrangler builds the Worker as a
// deploy would, without deploying, and the gzip size it reports must stay within the budget.

// wrangler takes about 3 s here; a loaded CI machine may take many times that
const WRANGLER_MS = 120_000

let build: DryRun

beforeAll(async () => {
  build = await dryRun(WRANGLER_MS)
}, WRANGLER_MS + 10_000)

describe('the deployed upload', () => {
  it('builds: wrangler deploy --dry-run exits 0', () => {
    expect(build.status, `wrangler deploy --dry-run failed:\n${build.output}`).toBe(0)
  })

  it(`is at most ${UPLOAD_BUDGET_GZIP_KIB} KiB gzip`, () => {
    expect(build.size, `wrangler printed no "Total Upload" line:\n${build.output}`).toBeDefined()
    const { totalKiB, gzipKiB } = build.size!
    const reported = `wrangler reports ${totalKiB} KiB, ${gzipKiB} KiB gzip; the budget is ${UPLOAD_BUDGET_GZIP_KIB} KiB gzip`
    expect(gzipKiB, reported).toBeLessThanOrEqual(UPLOAD_BUDGET_GZIP_KIB)
  })
})
