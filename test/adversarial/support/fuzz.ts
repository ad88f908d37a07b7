import fc from 'fast-check'
import { bodySummary } from './hostile'
import { expectNoServerError } from './shapes'
import { expectUnchanged, writtenState } from './state'
import { send, type Answer, type Sent } from './worker'

// FUZZ_SEED reaches workerd only through the worker project's `test.env`; Vite forwards
// VITE_-prefixed variables on its own, so VITE_FUZZ_SEED works without any config change.
const seedText = () =>
  (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.FUZZ_SEED ||
  (import.meta as unknown as { env?: Record<string, string | undefined> }).env?.VITE_FUZZ_SEED

/** The seed every fuzz run starts from; fixed unless FUZZ_SEED (or VITE_FUZZ_SEED) says otherwise. */
export const FUZZ_SEED = Number(seedText() || 20_260_426)

/** One generated request, with what its answer must satisfy. */
export type FuzzCase = {
  sent: Sent
  /** Throws (through expect) when the answer breaks a documented rule. */
  check: (answer: Answer) => void | Promise<void>
  /** Environments that must be left exactly as they were when the answer is 4xx. */
  watch?: string[]
  /** Finishes the request just before it is sent (a webhook signature must carry the time now). */
  prepare?: (sent: Sent) => Promise<Sent>
}

/** Prints a case by its request, its body cut short. */
export const describeCase = (fuzzCase: FuzzCase) => {
  const { method, path, headers, body } = fuzzCase.sent
  const shownPath = path.length > 200 ? `${path.slice(0, 200)}… (${path.length} chars)` : path
  const shownHeaders = JSON.stringify(headers ?? {}, (_, value) => (typeof value === 'string' && value.length > 120 ? `${value.slice(0, 120)}…` : value))
  return `${method} ${shownPath} ${shownHeaders} ${bodySummary(body)}`
}

/** Gives fast-check a short printout for each case. */
export const printable = (arbitrary: fc.Arbitrary<FuzzCase>) =>
  arbitrary.map((fuzzCase) => Object.assign(fuzzCase, { [fc.toStringMethod]: () => describeCase(fuzzCase) }))

/** Sends one case and checks it: never a 5xx, the documented answer, nothing written on refusal. */
export const runCase = async (fuzzCase: FuzzCase, via: (sent: Sent) => Promise<Answer> = send, statuses?: Map<number, number>) => {
  const watched = fuzzCase.watch ?? []
  const before = await Promise.all(watched.map(writtenState))
  const answer = await via(fuzzCase.prepare ? await fuzzCase.prepare(fuzzCase.sent) : fuzzCase.sent)
  statuses?.set(answer.status, (statuses.get(answer.status) ?? 0) + 1)
  expectNoServerError(answer)
  await fuzzCase.check(answer)
  if (answer.status < 400) return
  const after = await Promise.all(watched.map(writtenState))
  watched.forEach((environment, i) => expectUnchanged(environment, before[i], after[i]))
}

/** How many requests each fuzz test generated and what they got, for the run's summary. */
export const fuzzRuns: { name: string; runs: number; ms: number; statuses: Map<number, number> }[] = []

/**
 * Runs `numRuns` generated cases from FUZZ_SEED. On failure fast-check shrinks the case and
 * the error names the seed and path to replay it.
 */
export const fuzz = async (name: string, cases: fc.Arbitrary<FuzzCase>, numRuns: number, via?: (sent: Sent) => Promise<Answer>) => {
  const started = Date.now()
  let runs = 0
  const statuses = new Map<number, number>()
  const property = fc.asyncProperty(printable(cases), async (fuzzCase) => {
    runs += 1
    await runCase(fuzzCase, via, statuses)
  })
  try {
    await fc.assert(property, { seed: FUZZ_SEED, numRuns })
  } catch (error) {
    const failure = error as Error
    failure.message = `${name}: replay with FUZZ_SEED=${FUZZ_SEED} (npx vitest run --project worker test/adversarial)\n${failure.message}`
    throw failure
  } finally {
    fuzzRuns.push({ name, runs, ms: Date.now() - started, statuses })
  }
}
