import type { Ruleset } from './generate'

/** One evaluation and all the data it needs: what a failure is printed as, and replayed from. */
export type Repro = Ruleset & { flagKey: string; context: unknown; defaultValue: unknown }

type Path = (string | number)[]
type Node = Record<string | number, unknown>

const isContainer = (value: unknown): value is Node => typeof value === 'object' && value !== null

/**
 * Properties never deleted: without them LaunchDarkly's SDK throws or reads the data differently
 * from the schema's defaults (a rule without `clauses` never matches there, but `[]` always does).
 */
const KEPT = new Set(['key', 'variations', 'clauses', 'values', 'op', 'variation', 'weight'])

/** Every node under `flags`, `segments` and `context`, shallowest first. */
const paths = (repro: Repro): Path[] => {
  const out: Path[] = []
  const queue: [Path, unknown][] = [
    [['flags'], repro.flags],
    [['segments'], repro.segments],
    [['context'], repro.context],
  ]
  while (queue.length > 0) {
    const [path, node] = queue.shift() as [Path, unknown]
    const kept = path[0] !== 'context' && KEPT.has(String(path[path.length - 1]))
    if (path.length > 1 && !kept) out.push(path)
    if (!isContainer(node)) continue
    const keys = Array.isArray(node) ? node.map((_, index) => index) : Object.keys(node)
    for (const key of keys) queue.push([[...path, key], node[key]])
  }
  return out
}

const parentOf = (root: Repro, path: Path): Node =>
  path.slice(0, -1).reduce<unknown>((node, key) => (node as Node)[key], root) as Node

/**
 * A simpler value of the same JSON type, or undefined when there is none. Objects are not
 * emptied here (that would drop `KEPT` properties); their properties are deleted one by one.
 */
const simpler = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.length > 0 ? [] : undefined
  if (isContainer(value)) return undefined
  if (typeof value === 'number') return value !== 0 ? 0 : undefined
  if (typeof value === 'string') return value !== '' ? '' : undefined
  if (value === true) return false
  return undefined
}

/** The edits tried at one node: delete it, then make it simpler. */
const edits = (repro: Repro, path: Path): Repro[] => {
  const remove = structuredClone(repro)
  const parent = parentOf(remove, path)
  const key = path[path.length - 1]
  if (Array.isArray(parent)) parent.splice(key as number, 1)
  else delete parent[key]
  const out = [remove]
  const replacement = simpler(parentOf(repro, path)[key])
  if (replacement !== undefined) {
    const simplified = structuredClone(repro)
    parentOf(simplified, path)[key] = replacement
    out.push(simplified)
  }
  return out
}

type Check = (candidate: Repro) => Promise<boolean>

const firstAccepted = async (candidates: Repro[], stillFails: Check) => {
  for (const candidate of candidates) if (await stillFails(candidate)) return candidate
  return undefined
}

/**
 * Greedy delta debugging: deletes or simplifies one JSON node at a time, keeping each edit after
 * which `stillFails` holds, until no edit helps or `budget` attempts are spent.
 */
export const shrink = async (repro: Repro, stillFails: Check, budget = 1500): Promise<Repro> => {
  let current = repro
  let index = 0
  let progress = false
  for (let attempts = 0; attempts < budget; attempts += 1) {
    const all = paths(current)
    if (index >= all.length) {
      if (!progress || all.length === 0) break
      index = 0
      progress = false
    }
    const accepted = await firstAccepted(edits(current, all[index]), stillFails)
    if (accepted === undefined) {
      index += 1
    } else {
      current = accepted
      progress = true
    }
  }
  return current
}
