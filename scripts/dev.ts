import { spawn } from 'node:child_process'
import { copyFileSync, existsSync } from 'node:fs'
import { join } from 'node:path'
import { seed, waitForHealth } from './seed'
import { ROOT, WRANGLER, wranglerEnv } from './wrangler'

// `npm run dev`: local secrets, wrangler dev on 127.0.0.1:8787, then the development
// environment loaded through the webhook and admin API (scripts/seed.ts).
const vars = join(ROOT, '.dev.vars')
if (!existsSync(vars)) {
  copyFileSync(join(ROOT, '.dev.vars.example'), vars)
  console.log('created .dev.vars from .dev.vars.example')
}

const port = process.env.PORT ?? '8787'
const url = `http://127.0.0.1:${port}`
// DEMO:on serves the live demo page at /demo (README, "Watch it live")
const dev = spawn(WRANGLER, ['dev', '--ip', '127.0.0.1', '--port', port, '--var', 'DEMO:on', ...process.argv.slice(2)], {
  stdio: 'inherit',
  cwd: ROOT,
  env: wranglerEnv,
})
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => dev.kill(signal))
dev.on('exit', (code) => process.exit(code ?? 0))

waitForHealth(url)
  .then(() => seed({ url }))
  .then((lines) => {
    for (const line of lines) console.log(`[edgeflags] ${line}`)
    console.log(`[edgeflags] ready: ${url} (see README, "Local development")`)
  })
  .catch((error) => {
    console.error(`[edgeflags] seeding failed: ${(error as Error).message}`)
    dev.kill('SIGTERM')
  })
