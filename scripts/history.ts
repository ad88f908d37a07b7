import type { ListedChange } from '../src/hub/history'
import { call, listOf, type AdminResult, type AdminTarget } from './admin-api'

/**
 * `npm run push -- --history [--limit 20]` and `npm run push -- --rollback N`: the admin API's
 * change history and rollback (README, "History and rollback"), for an environment.
 */

export type { AdminTarget }

const keysOf = (keys: string[], named = keys.length) => (named > keys.length ? `${listOf(keys)} and ${named - keys.length} more` : listOf(keys))

/** One line a change: version, time, what it did and who, and what it touched. */
export const describeChange = ({ version, at, op, actor, toVersion, flags, segments, totals }: ListedChange) => {
  const what = op === 'rollback' ? `rollback to ${toVersion}` : op
  const touched = `flags: ${keysOf(flags, totals?.flags)}; segments: ${keysOf(segments, totals?.segments)}`
  return `v${version}  ${at.replace('T', ' ').slice(0, 19)}  ${what} by ${actor}  (${touched})`
}

/** The newest `limit` changes, one line each. */
export const history = async (target: AdminTarget, limit: number): Promise<AdminResult<string[]>> => {
  const answer = await call<{ changes: ListedChange[] }>(target, `/changes?limit=${limit}`)
  if (!answer.ok) return answer
  const lines = answer.value.changes.map(describeChange)
  return { ok: true, value: lines.length > 0 ? lines : [`${target.env}: no changes yet`] }
}

/**
 * Rolls back to `toVersion`, expecting the version the environment has right now: a change that
 * lands in between makes the rollback fail (409) rather than undo it unseen.
 */
export const rollback = async (target: AdminTarget, toVersion: number): Promise<AdminResult<string[]>> => {
  const status = await call<{ version: number }>(target, '')
  if (!status.ok) return status
  const body = JSON.stringify({ toVersion, expectedVersion: status.value.version, actor: 'npm run push' })
  const answer = await call<{ version: number; unchanged?: boolean; flags: string[]; segments: string[] }>(target, '/rollback', { method: 'POST', body })
  if (!answer.ok) return answer
  const { version, unchanged, flags, segments } = answer.value
  if (unchanged) return { ok: true, value: [`${target.env}: version ${version} already equals version ${toVersion} (unchanged)`] }
  return {
    ok: true,
    value: [`${target.env}: version ${version} restores version ${toVersion} (flags changed: ${listOf(flags)}; segments changed: ${listOf(segments)})`],
  }
}
