import { readdirSync, readFileSync } from 'node:fs'

/**
 * The resident memory of the workerd processes this process started (Miniflare's children), read
 * from /proc. Other sessions on the machine may run workerd too, so only descendants count.
 */

const read = (path: string) => {
  try {
    return readFileSync(path, 'utf8')
  } catch {
    return ''
  }
}

const field = (pid: number, name: string) =>
  Number(new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(read(`/proc/${pid}/status`))?.[1])

const descendsFrom = (pid: number, ancestor: number) => {
  for (let current = pid, hops = 0; current > 1 && hops < 64; hops++) {
    current = field(current, 'PPid')
    if (current === ancestor) return true
  }
  return false
}

/** PIDs of workerd processes below this one. */
export const workerdPids = (): number[] =>
  readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map(Number)
    .filter((pid) => read(`/proc/${pid}/cmdline`).includes('workerd') && descendsFrom(pid, process.pid))

/** Their summed VmRSS in KiB, or NaN when none is running. */
export const workerdRssKiB = (): number => {
  const sizes = workerdPids().map((pid) => field(pid, 'VmRSS')).filter(Number.isFinite)
  return sizes.length > 0 ? sizes.reduce((sum, kib) => sum + kib, 0) : NaN
}
