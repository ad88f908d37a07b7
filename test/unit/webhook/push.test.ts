import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import {
  buildChange,
  defaultSecret,
  describeResult,
  parseCli,
  push,
  PushError,
  type PushResult,
} from '../../../scripts/push'
import { verifySignature } from '../../../src/webhook/signature'

const SECRET = 'push-test-secret'
// Non-ASCII on purpose: what is signed must be the UTF-8 bytes fetch sends.
const RULESET = { flags: { 'dark-theme': { key: 'dark-theme', on: true, _meta: { owner: 'Zoë' } } }, segments: {} }
const folder = mkdtempSync(join(tmpdir(), 'edgeflags-push-'))
afterAll(() => rmSync(folder, { recursive: true, force: true }))

/** A fetch that records the request and answers with `reply`. */
const capture = (reply = Response.json({ environment: 'development', version: 1, flags: [], segments: [] })) => {
  const seen: { url: string; headers: Headers; bytes: Uint8Array }[] = []
  const fake = async (url: string | URL | Request, init?: RequestInit) => {
    // push sends a string body, so these are the bytes fetch would put on the wire.
    const bytes = new TextEncoder().encode(String(init?.body))
    seen.push({ url: String(url), headers: new Headers(init?.headers), bytes })
    return reply
  }
  return { fetch: fake as typeof fetch, seen }
}

describe('parseCli', () => {
  it.each([
    ['takes a file with the defaults left to push', ['a.json'], { file: 'a.json', json: false }],
    [
      'reads every option, in either --key value or --key=value form',
      ['a.json', '--env', 'production', '--url=http://localhost:9000', '--secret', 's', '--json'],
      { file: 'a.json', env: 'production', url: 'http://localhost:9000', secret: 's', json: true },
    ],
    ['takes --history with a default limit of 20', ['--history'], { admin: { history: 20 } }],
    ['takes --history --limit', ['--history', '--limit', '5', '--token', 't'], { admin: { history: 5 }, token: 't' }],
    ['takes --rollback with a version', ['--rollback', '3', '--env', 'shop'], { admin: { rollback: 3 }, env: 'shop' }],
  ])('%s', (_name, argv, expected) => {
    expect(parseCli(argv)).toMatchObject({ ok: true, options: expected })
  })

  it.each([
    ['refuses no file', [], /none given/],
    ['refuses two files', ['a.json', 'b.json'], /one file at a time, got 2/],
    ['refuses an unknown flag', ['a.json', '--force'], /Unknown option '--force'/],
    ['refuses a flag without its value', ['a.json', '--env'], /--env <value>' argument missing/],
    ['refuses a URL that is not http', ['a.json', '--url', 'localhost:8787'], /--url must be an http\(s\) URL/],
    ['refuses --history and --rollback together', ['--history', '--rollback', '2'], /not both/],
    ['refuses a file with --rollback', ['a.json', '--rollback', '2'], /no file with --rollback/],
    ['refuses a rollback to no version', ['--rollback', 'latest'], /--rollback must be a whole number above 0/],
    ['refuses a zero limit', ['--history', '--limit', '0'], /--limit must be a whole number above 0/],
  ])('%s', (_name, argv, message) => {
    const cli = parseCli(argv)
    expect(cli.ok).toBe(false)
    if (!cli.ok) expect(cli.message).toMatch(message)
  })
})

describe('buildChange', () => {
  it.each([
    [
      'turns a ruleset into a replacement for development',
      RULESET,
      undefined,
      { environment: 'development', op: 'replace', ...RULESET },
    ],
    ['sends a ruleset to the --env given', RULESET, 'staging', { environment: 'staging', op: 'replace', ...RULESET }],
    [
      'fills in the segments a ruleset leaves out',
      { flags: {} },
      undefined,
      { environment: 'development', op: 'replace', flags: {}, segments: {} },
    ],
    [
      'leaves a webhook body as it is',
      { environment: 'production', version: 4, op: 'patch', flags: { old: null } },
      undefined,
      { environment: 'production', version: 4, op: 'patch', flags: { old: null } },
    ],
    [
      'lets --env override the environment of a webhook body',
      { environment: 'production', op: 'patch', flags: {} },
      'staging',
      { environment: 'staging', op: 'patch', flags: {} },
    ],
    [
      'sends a webhook body without an environment to development',
      { op: 'replace' },
      undefined,
      { environment: 'development', op: 'replace' },
    ],
  ])('%s', (_name, input, env, expected) => {
    expect(buildChange(input, env)).toEqual({ ok: true, change: expected })
  })

  it.each([
    ['refuses an array', [RULESET], /expected a JSON object/],
    ['refuses null', null, /expected a JSON object/],
    ['refuses an object that is neither', { name: 'x' }, /neither a webhook body \(no "op"\) nor a ruleset/],
    ['refuses flags that are not an object', { flags: [] }, /"flags" must be an object keyed by flag key/],
  ])('%s', (_name, input, message) => {
    const built = buildChange(input, undefined)
    expect(built.ok).toBe(false)
    if (!built.ok) expect(built.message).toMatch(message)
  })
})

describe('push', () => {
  it('posts the signed bytes to the webhook, and the signature verifies', async () => {
    const { fetch, seen } = capture()
    const result = await push({ body: RULESET, url: 'http://127.0.0.1:9999/', secret: SECRET, fetch })

    expect(seen).toHaveLength(1)
    const [{ url, headers, bytes }] = seen
    expect(url).toBe('http://127.0.0.1:9999/admin/v1/webhook')
    expect(headers.get('content-type')).toBe('application/json')
    const check = await verifySignature({
      header: headers.get('x-edgeflags-signature'),
      body: bytes,
      secrets: SECRET,
      now: Date.now() / 1000,
    })
    expect(check.ok).toBe(true)
    expect(result).toMatchObject({ ok: true, status: 200, body: { environment: 'development', version: 1 } })
  })

  it('reads a file and sends it to the --env given', async () => {
    const file = join(folder, 'change.json')
    writeFileSync(file, JSON.stringify({ environment: 'production', op: 'patch', flags: { 'dark-theme': null } }))
    const { fetch, seen } = capture()
    await push({ file, env: 'staging', secret: SECRET, fetch })
    expect(JSON.parse(new TextDecoder().decode(seen[0].bytes))).toEqual({
      environment: 'staging',
      op: 'patch',
      flags: { 'dark-theme': null },
    })
  })

  it('returns an error answer rather than throwing', async () => {
    const { fetch } = capture(Response.json({ error: { code: 'stale_version', message: 'too old' } }, { status: 409 }))
    const result = await push({ body: RULESET, secret: SECRET, fetch })
    expect(result).toMatchObject({
      ok: false,
      status: 409,
      body: { error: { code: 'stale_version' } },
      environment: 'development',
    })
  })

  it.each([
    ['a missing file', () => ({ file: join(folder, 'absent.json') }), /absent\.json: no such file/],
    ['a file that is not JSON', () => ({ file: write('bad.json', '{"flags": ') }), /bad\.json is not valid JSON/],
    ['a file that is not a ruleset', () => ({ file: write('list.json', '[]') }), /list\.json: expected a JSON object/],
  ])('throws an input error for %s', async (_name, source, message) => {
    const { fetch, seen } = capture()
    const pushing = push({ ...source(), secret: SECRET, fetch })
    await expect(pushing).rejects.toThrow(message)
    await expect(pushing).rejects.toMatchObject({ kind: 'input' })
    expect(seen).toHaveLength(0)
  })

  it('says the server is not running when the connection is refused', async () => {
    const refused = async () => {
      // What Node's fetch (undici) throws when nothing listens on the port.
      const cause = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:8787'), { code: 'ECONNREFUSED' })
      throw new TypeError('fetch failed', { cause })
    }
    const pushing = push({ body: RULESET, url: 'http://127.0.0.1:8787', secret: SECRET, fetch: refused })
    await expect(pushing).rejects.toBeInstanceOf(PushError)
    await expect(pushing).rejects.toMatchObject({
      kind: 'connection',
      message: 'no server is running at http://127.0.0.1:8787 (connection refused); start one with: npm run dev',
    })
  })
})

describe('defaultSecret', () => {
  it('prefers WEBHOOK_SECRET from the environment', () => {
    expect(defaultSecret({ WEBHOOK_SECRET: 'from-env' }, folder)).toBe('from-env')
  })

  it('falls back to .dev.vars, then .dev.vars.example', () => {
    const root = mkdtempSync(join(folder, 'root-'))
    writeFileSync(join(root, '.dev.vars.example'), '# example\nWEBHOOK_SECRET=dev-webhook-secret\n')
    expect(defaultSecret({}, root)).toBe('dev-webhook-secret')
    writeFileSync(join(root, '.dev.vars'), 'ADMIN_TOKEN=x\nWEBHOOK_SECRET="new,old"\n')
    expect(defaultSecret({}, root)).toBe('new,old')
  })

  it('throws an input error when there is no secret anywhere', () => {
    expect(() => defaultSecret({}, mkdtempSync(join(folder, 'empty-')))).toThrow(/pass --secret/)
  })
})

describe('describeResult', () => {
  const answer = (status: number, body: unknown): PushResult => ({
    ok: status < 300,
    status,
    body,
    text: JSON.stringify(body),
    environment: 'staging',
  })

  it.each([
    [
      'summarises an accepted change',
      answer(200, { environment: 'development', version: 3, flags: ['dark-theme'], segments: [], purged: ['isolate'] }),
      ['development: version 3 (flags changed: dark-theme; segments changed: none)', '  purged: isolate'],
    ],
    [
      'says when a redelivery changed nothing',
      answer(200, { environment: 'development', version: 3, unchanged: true, flags: [], segments: [] }),
      ['development: version 3 unchanged (already applied)'],
    ],
    ['tolerates an answer with none of the fields', answer(200, {}), ['staging: accepted']],
    [
      'lists each error detail on its own line',
      answer(422, {
        error: {
          code: 'invalid_body',
          message: 'The webhook body is invalid',
          details: [{ path: 'flags.x.on', message: 'expected boolean' }],
        },
      }),
      ['staging: push failed: HTTP 422 invalid_body: The webhook body is invalid', '  flags.x.on: expected boolean'],
    ],
    [
      'shows a body that is not the error shape as it came',
      { ok: false, status: 502, body: 'Bad Gateway', text: 'Bad Gateway', environment: 'staging' },
      ['staging: push failed: HTTP 502', 'Bad Gateway'],
    ],
  ])('%s', (_name, result, lines) => {
    expect(describeResult(result)).toEqual(lines)
  })
})

const write = (name: string, text: string): string => {
  const file = join(folder, name)
  writeFileSync(file, text)
  return file
}
