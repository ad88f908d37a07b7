import type { Flag } from './flag'
import type { Segment } from './segment'

/** A reference from one item to another, and the JSON path where it is written. */
export type Edge = { to: string; path: readonly PropertyKey[] }

/** Items by key, each with the references it makes. Edges to keys not in the graph are ignored. */
export type Graph = ReadonlyMap<string, readonly Edge[]>

/** A cycle spelled from its first item back to it (`a, b, a`), and the path of its first edge. */
export type Cycle = { keys: string[]; path: readonly PropertyKey[] }

type Frame = { key: string; next: number }

const cycleFrom = (stack: readonly Frame[], depth: number, graph: Graph): Cycle => {
  const keys = stack.slice(depth).map((frame) => frame.key)
  const first = stack[depth]
  return { keys: [...keys, first.key], path: graph.get(first.key)![first.next - 1].path }
}

/**
 * Every cycle that a depth-first walk meets, once each: one per edge that leads back into the
 * walk's current path. An explicit stack replaces recursion, so a chain of 5,000 prerequisites
 * cannot overflow the call stack, and each item and edge is visited once.
 */
export const findCycles = (graph: Graph): Cycle[] => {
  const done = new Set<string>()
  const depthOnStack = new Map<string, number>()
  const seen = new Set<string>()
  const cycles: Cycle[] = []
  for (const root of graph.keys()) {
    if (done.has(root)) continue
    const stack: Frame[] = [{ key: root, next: 0 }]
    depthOnStack.set(root, 0)
    while (stack.length > 0) {
      const frame = stack[stack.length - 1]
      const edges = graph.get(frame.key)!
      if (frame.next === edges.length) {
        stack.pop()
        depthOnStack.delete(frame.key)
        done.add(frame.key)
        continue
      }
      const { to } = edges[frame.next++]
      const depth = depthOnStack.get(to)
      if (depth !== undefined) {
        const cycle = cycleFrom(stack, depth, graph)
        // Two edges between the same items (a flag listing itself twice) close the same cycle
        const name = cycle.keys.join('\u0000')
        if (!seen.has(name)) cycles.push(cycle)
        seen.add(name)
      } else if (!done.has(to) && graph.has(to)) {
        depthOnStack.set(to, stack.length)
        stack.push({ key: to, next: 0 })
      }
    }
  }
  return cycles
}

const SHOWN = 6

/** `a → b → a`; a long cycle keeps its ends and its length, `a → … → z → a (5000 flags)`. */
export const spellCycle = (keys: readonly string[], noun: string): string => {
  if (keys.length <= 2 * SHOWN + 1) return keys.join(' → ')
  const shown = [...keys.slice(0, SHOWN), '…', ...keys.slice(-SHOWN)]
  return `${shown.join(' → ')} (${keys.length - 1} ${noun})`
}

type Items<T> = ReadonlyMap<string, T>

const live = <T extends { deleted: boolean }>(items: Items<T>) =>
  [...items].filter(([, item]) => !item.deleted)

/** Live flags and the flags they require; a deleted or missing prerequisite leads nowhere. */
export const prerequisiteGraph = (flags: Items<Flag>): Graph =>
  new Map(
    live(flags).map(([key, flag]) => [
      key,
      flag.prerequisites.map((required, i) => ({
        to: required.key,
        path: ['flags', key, 'prerequisites', i],
      })),
    ]),
  )

const segmentEdges = (key: string, segment: Segment): Edge[] =>
  segment.rules.flatMap((rule, i) =>
    (rule.clauses ?? []).flatMap((clause, j) =>
      clause.op !== 'segmentMatch'
        ? []
        : clause.values.flatMap((to, k) =>
            typeof to === 'string'
              ? [{ to, path: ['segments', key, 'rules', i, 'clauses', j, 'values', k] }]
              : [],
          ),
    ),
  )

/** Live segments and the segments their rules match through `segmentMatch` clauses. */
export const segmentGraph = (segments: Items<Segment>): Graph =>
  new Map(live(segments).map(([key, segment]) => [key, segmentEdges(key, segment)]))

/**
 * The first item whose chain of references runs deeper than `limit` (an acyclic graph is
 * assumed: cycles are reported apart). Computed bottom-up with an explicit stack.
 */
export const deepestBeyond = (graph: Graph, limit: number): { key: string; depth: number } | undefined => {
  const depth = new Map<string, number>()
  for (const start of graph.keys()) {
    const stack = [start]
    while (stack.length > 0) {
      const key = stack[stack.length - 1]
      if (depth.has(key)) {
        stack.pop()
        continue
      }
      const pending = (graph.get(key) ?? []).filter(({ to }) => graph.has(to) && !depth.has(to) && !stack.includes(to))
      if (pending.length > 0 && stack.length <= limit + 1) {
        stack.push(...pending.map(({ to }) => to))
        continue
      }
      const below = (graph.get(key) ?? []).map(({ to }) => depth.get(to) ?? 0)
      depth.set(key, 1 + Math.max(0, ...below))
      stack.pop()
      // reported at the item the walk started from: the head of the too-deep chain
      if (depth.get(key)! > limit) return { key: start, depth: depth.get(key)! }
    }
  }
  return undefined
}
