/**
 * Runs `step` with `item` marked as being visited, so a path that leads back to it (a
 * prerequisite or segment cycle) can tell; the mark is cleared however `step` ends.
 */
export const whileVisiting = <T>(item: { visiting: boolean }, step: () => T): T => {
  item.visiting = true
  try {
    return step()
  } finally {
    item.visiting = false
  }
}
