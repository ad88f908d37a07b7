import { spawn } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ROOT, WRANGLER, wranglerEnv } from './wrangler'

/**
 * The deployed upload, measured the way Cloudflare sees it: `wrangler deploy --dry-run` builds the
 * Worker exactly as a deploy would and prints `Total Upload: X KiB / gzip: Y KiB`. The test that
 * keeps the upload small and `npm run bench:cold` both read it from here.
 */

/** The budget for the gzipped upload (DESIGN.md section 11: "Ship only what the request path needs"). */
export const UPLOAD_BUDGET_GZIP_KIB = 64

export type UploadSize = { totalKiB: number; gzipKiB: number }

export type DryRun = {
  /** wrangler's exit code; null when it was killed (it ran out of time). */
  status: number | null
  /** The sizes wrangler reported; undefined when it printed none (a failed build). */
  size: UploadSize | undefined
  /** stdout and stderr as printed, for a failure message. */
  output: string
}

/** wrangler does not colour its output without a TTY, but a forced colour must not break parsing. */
const ANSI = /\x1b\[[0-9;]*m/g
const UPLOAD_LINE = /Total Upload:\s*([\d.]+)\s*KiB\s*\/\s*gzip:\s*([\d.]+)\s*KiB/

/** The sizes in wrangler's `Total Upload: 968.28 KiB / gzip: 173.80 KiB` line, if there is one. */
export const parseUploadSize = (output: string): UploadSize | undefined => {
  const match = UPLOAD_LINE.exec(output.replace(ANSI, ''))
  return match ? { totalKiB: Number(match[1]), gzipKiB: Number(match[2]) } : undefined
}

/**
 * Runs `wrangler deploy --dry-run --outdir <a temporary folder>` in the project (no telemetry, no
 * prompts, no network) and reports its exit code and sizes. The folder is removed afterwards.
 * Never throws for a failed build: the caller decides what a failure means.
 *
 * @param timeoutMs - kill wrangler after this long (default 120 s; it takes about 3 s here)
 */
export const dryRun = async (timeoutMs = 120_000): Promise<DryRun> => {
  const outdir = await mkdtemp(join(tmpdir(), 'edgeflags-upload-'))
  try {
    const args = ['deploy', '--dry-run', '--outdir', outdir]
    const child = spawn(WRANGLER, args, { cwd: ROOT, env: wranglerEnv, timeout: timeoutMs })
    let output = ''
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk))
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk))
    const status = await new Promise<number | null>((resolve, reject) => {
      child.on('error', reject)
      child.on('close', (code) => resolve(code))
    })
    return { status, size: parseUploadSize(output), output }
  } finally {
    await rm(outdir, { recursive: true, force: true })
  }
}
