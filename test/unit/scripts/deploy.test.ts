import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { checkDeployable, PLACEHOLDER_KV_ID, PLACEHOLDER_MESSAGE } from '../../../scripts/deploy'
import { ROOT } from '../../../scripts/wrangler'

// `npm run deploy` refuses while wrangler.toml names the placeholder KV namespace, and says which
// command creates the real one and where its id goes.

const REPO_TOML = readFileSync(join(ROOT, 'wrangler.toml'), 'utf8')
const REAL_ID = '0f2ac74b498b48028cb68387c421e279'

describe('checkDeployable', () => {
  it('refuses the placeholder id, naming the command that creates the namespace and where the id goes', () => {
    const checked = checkDeployable('[[kv_namespaces]]\nbinding = "FLAGS"\nid = "00000000000000000000000000000001"\n')
    expect(checked).toEqual({ ok: false, message: PLACEHOLDER_MESSAGE })
    expect(PLACEHOLDER_MESSAGE).toContain('npx wrangler kv namespace create FLAGS')
    expect(PLACEHOLDER_MESSAGE).toContain('[[kv_namespaces]]')
    expect(PLACEHOLDER_MESSAGE).toContain('Deploy to Cloudflare')
  })

  it('allows a real-looking id', () => {
    expect(checkDeployable(REPO_TOML.replace(PLACEHOLDER_KV_ID, REAL_ID))).toEqual({ ok: true })
  })

  it('refuses the placeholder however the binding is written, but not in a comment', () => {
    expect(checkDeployable(`kv_namespaces = [{ binding = "FLAGS", id = '${PLACEHOLDER_KV_ID}' }]`).ok).toBe(false)
    expect(checkDeployable(`[[kv_namespaces]]\nid = "${REAL_ID}" # was ${PLACEHOLDER_KV_ID}\n`).ok).toBe(true)
  })
})

describe('npm run deploy', () => {
  it('exits 1 with the message against the repository\'s wrangler.toml', () => {
    // the guard that keeps this test from ever deploying: it runs only while the id is the placeholder
    expect(checkDeployable(REPO_TOML).ok).toBe(false)
    const result = spawnSync(process.execPath, ['node_modules/tsx/dist/cli.mjs', 'scripts/deploy.ts'], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 30_000,
    })
    expect(result.status).toBe(1)
    expect(result.stderr).toContain(PLACEHOLDER_MESSAGE)
  })
})
