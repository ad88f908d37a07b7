/** Bounds on how long the cold-start benchmark waits for anything, so a wedged runtime cannot hang it. */

const log = (line: string) => void process.stderr.write(`${line}\n`)

/**
 * Waits for `work` at most `ms`, logging (never throwing) when it fails or runs late: for
 * disposing servers in `finally`, where the first error must not hide behind a second.
 */
export async function withDeadline(work: Promise<unknown>, ms: number, what: string) {
  let timer: NodeJS.Timeout | undefined
  const deadline = new Promise<void>((resolve) => {
    timer = setTimeout(() => resolve(log(`${what} did not stop within ${ms} ms`)), ms)
  })
  await Promise.race([work.catch((error) => log(`${what} failed to stop: ${error}`)), deadline])
  clearTimeout(timer)
}
