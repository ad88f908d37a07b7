import { spawn, type ChildProcess } from 'node:child_process'
import { connect } from 'node:net'
import { join } from 'node:path'
import { ROOT } from '../../../scripts/wrangler'

/** `npm run dev` as a test drives it: the real script, its own process group, output captured. */

const TSX = join(ROOT, 'node_modules/tsx/dist/cli.mjs')

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

export type DevProcess = { child: ChildProcess; output: () => string }

/** Starts scripts/dev.ts on `port` with its state in `persist`, leading its own process group. */
export const startDev = (port: number, persist: string): DevProcess => {
  let output = ''
  // detached: the script leads its own process group, so stopping it reaches wrangler and workerd
  const child = spawn(process.execPath, [TSX, 'scripts/dev.ts', '--persist-to', persist], {
    cwd: ROOT,
    env: { ...process.env, PORT: String(port) },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk))
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk))
  return { child, output: () => output }
}

/** Whether 127.0.0.1:port accepts a TCP connection right now. */
export const accepts = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect(port, '127.0.0.1')
    const done = (open: boolean) => {
      socket.destroy()
      resolve(open)
    }
    socket.once('connect', () => done(true))
    socket.once('error', () => done(false))
    socket.setTimeout(1000, () => done(false))
  })

/** Whether any process of the group `pid` leads (the script, wrangler, workerd) is alive. */
export const groupAlive = (pid: number) => {
  try {
    process.kill(-pid, 0)
    return true
  } catch {
    return false
  }
}

/** Sends `signal` to the whole group; for SIGTERM, SIGKILL follows for whatever is left after 10 s. */
export const stopDev = async (dev: DevProcess | undefined, signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM') => {
  const pid = dev?.child.pid
  if (pid === undefined || !groupAlive(pid)) return
  process.kill(-pid, signal)
  const deadline = Date.now() + 10_000
  while (groupAlive(pid) && Date.now() < deadline) await sleep(100)
  if (groupAlive(pid)) process.kill(-pid, 'SIGKILL')
  while (groupAlive(pid)) await sleep(50)
}

/** Waits until `check` holds, failing after `ms` with the dev output. */
export const waitFor = async (dev: DevProcess, check: () => boolean | Promise<boolean>, what: string, ms = 50_000) => {
  const deadline = Date.now() + ms
  while (!(await check())) {
    if (dev.child.exitCode !== null) throw new Error(`npm run dev exited with ${dev.child.exitCode} before ${what}:\n${dev.output()}`)
    if (Date.now() > deadline) throw new Error(`no ${what} within ${ms / 1000} s:\n${dev.output()}`)
    await sleep(20)
  }
}
