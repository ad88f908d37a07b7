/**
 * Replays one printed repro on both sides, and optionally shrinks it further.
 *
 *   npx tsx test/unit/differential/replay.ts repro.json [--shrink]
 *
 * The file holds `{ flags, segments, flagKey, context, defaultValue }`, as the differential
 * test prints it (extra properties such as `launchdarkly` and `edgeflags` are ignored).
 */
import { readFileSync } from 'node:fs'
import { createSubject } from './edgeflags'
import { minimise, signature } from './report'
import { agrees, evaluateRepro } from './run'
import type { Repro } from './shrink'

const [file, flag] = process.argv.slice(2)
if (file === undefined) {
  console.error('usage: npx tsx test/unit/differential/replay.ts repro.json [--shrink]')
  process.exit(2)
}
const json = JSON.parse(readFileSync(file, 'utf8'))
const { flags = {}, segments = {}, flagKey, context, defaultValue = null } = json
const repro: Repro = { flags, segments, flagKey, context, defaultValue }
const comparison = await evaluateRepro(repro, createSubject)
const same = agrees(comparison)
const { expected: launchdarkly, actual: edgeflags } = comparison
console.log(JSON.stringify({ launchdarkly, edgeflags }, null, 2))
console.log(same ? 'agree' : `disagree: ${signature(comparison)}`)
if (flag === '--shrink' && !same) console.log(JSON.stringify(await minimise(repro, createSubject)))
process.exit(same ? 0 : 1)
