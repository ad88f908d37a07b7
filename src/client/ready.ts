/**
 * A promise settled once, by the first `resolve` or `reject`; later calls do nothing. Its
 * rejection counts as handled, so a client nobody awaits cannot crash Node with it.
 */
export const createReady = (onReady: () => void) => {
  let settled = false
  let resolve = () => {}
  let reject = (_: Error) => {}
  const promise = new Promise<void>((res, rej) => {
    resolve = res
    reject = rej
  })
  promise.catch(() => {})
  return {
    promise,
    resolve() {
      if (settled) return
      settled = true
      resolve()
      onReady()
    },
    reject(error: Error) {
      if (settled) return
      settled = true
      reject(error)
    },
  }
}
