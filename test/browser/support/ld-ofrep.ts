/**
 * What OFREP answers the client key for a context: the reference the browser SDK's values are
 * held to. Each flag's value, and LaunchDarkly's reason kind (`metadata.ldReason`).
 */
export type OfrepAnswers = { values: Record<string, unknown>; reasons: Record<string, string> }

type OfrepFlag = { key: string; value?: unknown; errorCode?: string; metadata?: { ldReason?: string } }

const withTargetingKey = ({ key, ...attributes }: Record<string, unknown>) => ({ targetingKey: key, ...attributes })

/** A LaunchDarkly context as OFREP takes it: each key becomes a targetingKey. */
export const ofrepContext = (context: Record<string, unknown>) => {
  if (context.kind !== 'multi') return withTargetingKey(context)
  const { kind, ...parts } = context
  const mapped = Object.entries(parts).map(([name, part]) => [name, withTargetingKey(part as Record<string, unknown>)])
  return { kind, ...Object.fromEntries(mapped) }
}

export const ofrepAnswers = async (worker: URL, clientKey: string, context: Record<string, unknown>): Promise<OfrepAnswers> => {
  const res = await fetch(new URL('/ofrep/v1/evaluate/flags', worker), {
    method: 'POST',
    headers: { Authorization: `Bearer ${clientKey}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ context }),
    signal: AbortSignal.timeout(10_000),
  })
  if (!res.ok) throw new Error(`OFREP answered HTTP ${res.status}: ${await res.text()}`)
  const { flags } = (await res.json()) as { flags: OfrepFlag[] }
  const answers: OfrepAnswers = { values: {}, reasons: {} }
  for (const flag of flags) {
    if (flag.errorCode !== undefined) throw new Error(`OFREP could not evaluate ${flag.key}: ${flag.errorCode}`)
    answers.values[flag.key] = flag.value
    answers.reasons[flag.key] = flag.metadata?.ldReason ?? ''
  }
  return answers
}
