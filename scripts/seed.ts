import { createHash } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseRuleset } from '../src/model/ruleset'
import { apiKeyRecordKey, rulesetKey } from '../src/store/kv-keys'
import { DEV_ENVIRONMENT, DEV_KEYS } from './dev-credentials'
import { ROOT, wrangler } from './wrangler'

/**
 * Seeds wrangler's local KV with the dev keys and, unless the environment already has a ruleset
 * (so changes pushed in earlier sessions survive a restart), examples/flags.json. Idempotent.
 * `--force` replaces the ruleset with the example again.
 */
const force = process.argv.includes('--force')
const examples = JSON.parse(readFileSync(join(ROOT, 'examples/flags.json'), 'utf8'))
const parsed = parseRuleset(examples)
if (!parsed.ok) {
  console.error('examples/flags.json is invalid:')
  for (const error of parsed.errors) console.error(`  ${error.path}: ${error.message}`)
  process.exit(1)
}

const local = ['--local', '--binding', 'FLAGS']
const hasRuleset = !wrangler(['kv', 'key', 'get', ...local, rulesetKey(DEV_ENVIRONMENT)]).includes('Value not found')

const createdAt = new Date(0).toISOString()
const entries = Object.entries(DEV_KEYS).map(([kind, key]) => ({
  key: apiKeyRecordKey(createHash('sha256').update(key).digest('hex')),
  value: JSON.stringify({ environment: DEV_ENVIRONMENT, kind, name: `dev ${kind} key`, createdAt }),
}))
if (force || !hasRuleset) {
  const stored = { version: 1, flags: examples.flags, segments: examples.segments, updatedAt: new Date().toISOString() }
  entries.push({ key: rulesetKey(DEV_ENVIRONMENT), value: JSON.stringify(stored) })
}

const folder = mkdtempSync(join(tmpdir(), 'edgeflags-seed-'))
try {
  const file = join(folder, 'entries.json')
  writeFileSync(file, JSON.stringify(entries))
  wrangler(['kv', 'bulk', 'put', ...local, file])
} finally {
  rmSync(folder, { recursive: true, force: true })
}
console.log(
  force || !hasRuleset
    ? `seeded "${DEV_ENVIRONMENT}" with examples/flags.json and the dev keys`
    : `"${DEV_ENVIRONMENT}" already has a ruleset (kept; npm run seed -- --force replaces it); dev keys written`,
)
