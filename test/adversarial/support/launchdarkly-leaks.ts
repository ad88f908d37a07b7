import { env } from 'cloudflare:workers'
import { createExecutionContext } from 'cloudflare:test'
import { expect } from 'vitest'
import worker from '../../../src/index'
import { readEvents, type SseEvent } from '../../worker/support/sse'
import { examples, webhookRequest } from './environments'
import { CLIENT_ROUTES, MOBILE_ROUTES, sdkSent } from './launchdarkly-routes'
import { BASE, send, type Sent } from './worker'

/**
 * What client and mobile keys get from LaunchDarkly's client-side paths: every evalx answer and
 * stream `put` for a spread of contexts, and every stream event after a change. The tests in
 * authorization.test.ts search them for what those keys must never see.
 */

type PublicKind = 'client' | 'mobile'

/** The contexts of the OFREP leak checks, as LaunchDarkly's SDKs send them (`key`, not `targetingKey`). */
export const LD_CONTEXTS = [
  { key: 'alice' },
  { kind: 'user', key: 'bob' },
  { kind: 'user', key: 'u-7', email: 'carol@edgeflags.dev' },
  { key: 'legacy-client-1' },
  { kind: 'user', key: 'u-8', plan: 'enterprise' },
  { kind: 'service', key: 'payments', name: 'payments' },
  { kind: 'multi', user: { key: 'alice', plan: 'enterprise' }, service: { key: 'payments', name: 'payments' } },
]

const REASONS = ['', '?withReasons=true']

const routesOf = (kind: PublicKind) => (kind === 'client' ? CLIENT_ROUTES : MOBILE_ROUTES)

export type SdkAnswer = { what: string; status: number; text: string; stream: boolean }

/** Every evalx answer and stream put a key of `kind` gets for every context, with and without reasons. */
export const sdkAnswers = async (key: string, kind: PublicKind, contexts: object[] = LD_CONTEXTS): Promise<SdkAnswer[]> => {
  const answers: SdkAnswer[] = []
  for (const route of routesOf(kind).filter((candidate) => candidate.context !== undefined)) {
    for (const context of contexts) {
      for (const query of REASONS) {
        const answer = await send(sdkSent(route, { key, form: 'api_key', context: JSON.stringify(context), query }))
        answers.push({ what: `${route.name}${query} ${JSON.stringify(context)}`, status: answer.status, text: answer.text, stream: route.stream === true })
      }
    }
  }
  return answers
}

/** The flags of an evalx answer, or of the `put` that starts an `/eval` stream. */
export const flagsIn = ({ text, stream }: Pick<SdkAnswer, 'text' | 'stream'>): Record<string, Record<string, unknown>> => {
  if (!stream) return JSON.parse(text) as Record<string, Record<string, unknown>>
  const put = /^event: put\ndata: (.*)\n\n/.exec(text)
  if (put === null) throw new Error(`the stream did not start with a put: ${text.slice(0, 200)}`)
  return JSON.parse(put[1]) as Record<string, Record<string, unknown>>
}

/** What client and mobile keys never see: a rule's id or position, a prerequisite's key (src/launchdarkly/evalx.ts, publicReason). */
export const PRIVATE_FIELDS = ['"ruleId"', '"ruleIndex"', '"prerequisiteKey"']
const STATE_FIELDS = ['value', 'variation', 'version', 'flagVersion', 'trackEvents', 'trackReason', 'reason', 'debugEventsUntilDate']
const REASON_FIELDS = ['kind', 'inExperiment', 'errorKind']

/** A flag's state as evalx and `/eval` give it: LaunchDarkly's fields, and a reason without rules. */
export const expectPublicState = (what: string, state: Record<string, unknown>) => {
  for (const field of Object.keys(state)) expect(STATE_FIELDS, `${what}: ${JSON.stringify(state)}`).toContain(field)
  if (state.reason === undefined) return
  for (const field of Object.keys(state.reason as object)) expect(REASON_FIELDS, `${what}: ${JSON.stringify(state)}`).toContain(field)
}

type OpenStream = { what: string; events: ReturnType<typeof readEvents> }

// Through the default export in this isolate, as `send` does (exports.default.fetch slows with
// every call a file makes, see worker.ts), but with the body left open
const open = async (what: string, { method, path, headers, body }: Sent): Promise<OpenStream> => {
  const request = new Request(BASE + path, { method, headers, body }) as Request<unknown, IncomingRequestCfProperties>
  const response = await worker.fetch(request, env, createExecutionContext())
  if (response.status !== 200) throw new Error(`${what}: HTTP ${response.status} ${await response.text()}`)
  return { what, events: readEvents(response) }
}

/**
 * Opens every stream a key of `kind` may open: `/eval` (or `/meval`) by GET and REPORT, with and
 * without reasons, for each of `contexts`, and the ping stream. Each `/eval` stream's put is read.
 */
export const openSdkStreams = async (key: string, kind: PublicKind, contexts: object[]) => {
  const streams: OpenStream[] = []
  const puts: SseEvent[] = []
  for (const route of routesOf(kind).filter((candidate) => candidate.stream)) {
    if (route.context === undefined) {
      streams.push(await open(route.name, sdkSent(route, { key, form: 'api_key' })))
      continue
    }
    for (const context of contexts) {
      for (const query of REASONS) {
        const stream = await open(`${route.name}${query} ${JSON.stringify(context)}`, sdkSent(route, { key, form: 'api_key', context: JSON.stringify(context), query }))
        puts.push(await stream.events.next())
        streams.push(stream)
      }
    }
  }
  return { streams, puts }
}

/** What each stream sent after the put: at least one event, then whatever follows within 300 ms. */
export const eventsAfter = async (streams: OpenStream[]) => {
  const seen: { what: string; events: SseEvent[] }[] = []
  for (const { what, events } of streams) {
    const got = [await events.next()]
    while (!(await events.quiet(300))) got.push(await events.next())
    seen.push({ what, events: got })
  }
  await Promise.all(streams.map(({ events }) => events.close()))
  return seen
}

/** Patches flags (and segments) of `environment` through the signed webhook. */
export const patchFlags = async (environment: string, flags: object, segments: object = {}) => {
  const answer = await send(await webhookRequest(JSON.stringify({ environment, op: 'patch', flags, segments })))
  if (answer.status !== 200) throw new Error(`the change failed: ${answer.status} ${answer.text}`)
}

const newCheckout = examples.flags['new-checkout']
const betaTesters = examples.segments['beta-testers']

/** Names a change gives rules, which client and mobile keys must never see either. */
export const RENAMED_RULES = ['renamed-rule-secret', 'renamed-segment-rule']

/**
 * A change to every kind of thing at once: a server-only flag changed and another deleted, a
 * visible flag toggled (every `/eval` stream gets a patch), a visible flag's rule renamed, and
 * the segment it names given a member and a renamed rule. Answers the change that undoes it.
 */
export const changeEverything = async (environment: string, darkTheme: (on: boolean) => object) => {
  const flags = {
    'backend-log-level': { ...examples.flags['backend-log-level'], fallthrough: { variation: 3 } },
    'ip-blocklist': null,
    'dark-theme': darkTheme(true),
    'new-checkout': { ...newCheckout, rules: [{ ...newCheckout.rules[0], id: RENAMED_RULES[0] }] },
  }
  const segments = { 'beta-testers': { ...betaTesters, included: [...betaTesters.included, 'u-8'], rules: [{ ...betaTesters.rules[0], id: RENAMED_RULES[1] }] } }
  await patchFlags(environment, flags, segments)
  const { 'backend-log-level': logLevel, 'ip-blocklist': blocklist } = examples.flags
  const restore = { 'backend-log-level': logLevel, 'ip-blocklist': blocklist, 'dark-theme': darkTheme(false), 'new-checkout': newCheckout }
  return () => patchFlags(environment, restore, { 'beta-testers': betaTesters })
}

/**
 * A flag gated on a server-only prerequisite, and an experiment (a rule with `trackEvents`,
 * whose reason LaunchDarkly sends even without `withReasons`) named by a rule id.
 */
export const GATED = {
  flags: {
    'secret-gate': { ...examples.flags['ip-blocklist'], key: 'secret-gate', on: false, variations: [false, true], offVariation: 0 },
    gate: { ...examples.flags['dark-theme'], key: 'gate', on: true, prerequisites: [{ key: 'secret-gate', variation: 1 }] },
    experiment: {
      ...examples.flags['dark-theme'],
      key: 'experiment',
      on: true,
      rules: [{ id: 'hidden-experiment-rule', variation: 1, trackEvents: true, clauses: [{ contextKind: 'user', attribute: 'key', op: 'in', values: ['u-1'], negate: false }] }],
    },
  },
  segments: {},
}

/** Turns the gate's prerequisite on (the gate now falls through) and renames the experiment's rule. */
export const openTheGate = async (environment: string) => {
  const experiment = { ...GATED.flags.experiment, rules: [{ ...GATED.flags.experiment.rules[0], id: 'hidden-experiment-rule-2' }] }
  await patchFlags(environment, { 'secret-gate': { ...GATED.flags['secret-gate'], on: true }, experiment })
}
