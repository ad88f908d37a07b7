import { PATH } from './requests'

/**
 * Before any timing: LaunchDarkly's SDK and edgeflags must give every flag the same value for
 * the same contexts, or the comparison would be between two different answers.
 */

type OfrepAnswer = { flags: { key: string; value?: unknown; errorCode?: string }[] }

export type Agreement = { contexts: number; values: number; medianBytes: number }

const describe = (value: unknown) => (value === undefined ? 'nothing' : JSON.stringify(value))

/** Where LaunchDarkly's answer (`flag key → value`, plus `$` entries) and ours differ. */
function differences(body: string, theirs: Record<string, unknown>, ours: OfrepAnswer): string[] {
  const problems: string[] = []
  const theirCount = Object.keys(theirs).filter((key) => !key.startsWith('$')).length
  if (theirCount !== ours.flags.length) {
    problems.push(`${body}: ${theirCount} flags from LaunchDarkly, ${ours.flags.length} from edgeflags`)
  }
  for (const { key, value, errorCode } of ours.flags) {
    if (errorCode === undefined && JSON.stringify(theirs[key]) === JSON.stringify(value)) continue
    problems.push(`${key} for ${body}: LaunchDarkly ${describe(theirs[key])}, edgeflags ${errorCode ?? describe(value)}`)
  }
  return problems
}

/**
 * Posts each of `bodies` to LaunchDarkly's Worker and compares its `allFlagsState` JSON with
 * edgeflags' OFREP answer to the same body (`ours`, in the same order); throws on any difference.
 */
export async function checkAgreement(launchDarkly: URL, bodies: string[], ours: string[]): Promise<Agreement> {
  const problems: string[] = []
  const sizes: number[] = []
  let values = 0
  for (const [i, body] of bodies.entries()) {
    const response = await fetch(new URL(PATH, launchDarkly), { method: 'POST', body })
    const text = await response.text()
    if (response.status !== 200) throw new Error(`LaunchDarkly's Worker answered ${response.status}: ${text.slice(0, 300)}`)
    sizes.push(Buffer.byteLength(text))
    const answer = JSON.parse(ours[i]) as OfrepAnswer
    values += answer.flags.length
    problems.push(...differences(body, JSON.parse(text), answer))
  }
  if (problems.length > 0) {
    const first = problems.slice(0, 10).join('\n  ')
    throw new Error(`LaunchDarkly's SDK and edgeflags disagree (${problems.length} of ${values} values):\n  ${first}`)
  }
  sizes.sort((a, b) => a - b)
  return { contexts: bodies.length, values, medianBytes: sizes[Math.floor(sizes.length / 2)] }
}
