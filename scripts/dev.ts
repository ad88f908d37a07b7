import { spawn, spawnSync } from 'node:child_process'
import { copyFileSync, existsSync } from 'node:fs'
import { join } from 'node:path'
import { ROOT, WRANGLER, wranglerEnv } from './wrangler'

// `npm run dev`: local secrets, local KV seeded, then wrangler dev on 127.0.0.1:8787.
const vars = join(ROOT, '.dev.vars')
if (!existsSync(vars)) {
  copyFileSync(join(ROOT, '.dev.vars.example'), vars)
  console.log('created .dev.vars from .dev.vars.example')
}

const seeded = spawnSync(process.execPath, [join(ROOT, 'node_modules/tsx/dist/cli.mjs'), join(ROOT, 'scripts/seed.ts')], {
  stdio: 'inherit',
  cwd: ROOT,
})
if (seeded.status !== 0) process.exit(seeded.status ?? 1)

const port = process.env.PORT ?? '8787'
const dev = spawn(WRANGLER, ['dev', '--ip', '127.0.0.1', '--port', port, ...process.argv.slice(2)], {
  stdio: 'inherit',
  cwd: ROOT,
  env: wranglerEnv,
})
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => dev.kill(signal))
dev.on('exit', (code) => process.exit(code ?? 0))
