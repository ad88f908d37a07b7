import { env } from 'cloudflare:workers'

/** Polls `check` every 50 ms until it holds, failing after 10 s with `what`. */
export const until = async (check: () => Promise<boolean>, what: string) => {
  const deadline = Date.now() + 10_000
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after 10 s waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

/**
 * The real KV binding, whose `methods` (writes by default) reject while `state.failing` is set:
 * a fault between the Hub's own write and KV's, as a crash or an outage would leave it.
 */
export const failingKv = (state: { failing: boolean }, methods: readonly string[] = ['put']): KVNamespace =>
  new Proxy(env.FLAGS, {
    get(target, property) {
      const value = Reflect.get(target, property)
      if (!methods.includes(String(property)) || typeof value !== 'function') {
        return typeof value === 'function' ? value.bind(target) : value
      }
      return (...args: unknown[]) => (state.failing ? Promise.reject(new Error(`KV ${String(property)} failed`)) : value.apply(target, args))
    },
  })
