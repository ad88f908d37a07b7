// Listeners of every event, whatever their arguments
type Listener = (...args: any[]) => void

/** A tiny event emitter: a throwing listener is reported and does not stop the others. */
export const createEmitter = (report: (error: unknown) => void) => {
  const listeners = new Map<string, Set<Listener>>()
  return {
    on(event: string, listener: Listener) {
      const set = listeners.get(event) ?? new Set()
      listeners.set(event, set.add(listener))
      return () => {
        set.delete(listener)
      }
    },
    emit(event: string, ...args: unknown[]) {
      for (const listener of [...(listeners.get(event) ?? [])]) {
        try {
          listener(...args)
        } catch (error) {
          report(error)
        }
      }
    },
    clear: () => listeners.clear(),
  }
}
