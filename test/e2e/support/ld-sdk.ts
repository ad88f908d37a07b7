import { init, type LDClient, type LDLogger, type LDOptions } from '@launchdarkly/node-server-sdk'
import { SERVER_KEY } from './ld-worker'

/**
 * LaunchDarkly's Node server SDK, unmodified, pointed at a Worker with nothing but its documented
 * endpoint options. Its log lines are kept, so a test can say that nothing went wrong.
 */

export type LogLine = { level: 'debug' | 'info' | 'warn' | 'error'; text: string }

export type Sdk = {
  client: LDClient
  logs: LogLine[]
  /** Warnings and errors, but for evaluations of unknown flags. */
  problems: () => LogLine[]
}

const INIT_TIMEOUT_S = 10

const recordingLogger = (logs: LogLine[]): LDLogger => {
  const at = (level: LogLine['level']) => (...args: unknown[]) => void logs.push({ level, text: args.map(String).join(' ') })
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') }
}

// The SDK logs an error for each evaluation of a flag it does not have; tests ask for deleted flags on purpose
const isProblem = ({ level, text }: LogLine) => (level === 'warn' || level === 'error') && !text.startsWith('Unknown feature flag')

/** Starts the SDK against `origin` (events too, unless `eventsUri` says otherwise) and waits until it has flags. */
export const startSdk = async (origin: URL | string, options: LDOptions = {}): Promise<Sdk> => {
  const base = String(origin).replace(/\/$/, '')
  const logs: LogLine[] = []
  const client = init(SERVER_KEY, {
    baseUri: base,
    streamUri: base,
    eventsUri: base,
    sendEvents: false,
    diagnosticOptOut: true,
    logger: recordingLogger(logs),
    ...options,
  })
  try {
    await client.waitForInitialization({ timeout: INIT_TIMEOUT_S })
  } catch (error) {
    client.close()
    throw new Error(`the SDK did not initialise: ${error}\n${logs.map((line) => `${line.level}: ${line.text}`).join('\n')}`)
  }
  return { client, logs, problems: () => logs.filter(isProblem) }
}

/** Resolves with the next `update:<key>` event, or rejects after `ms`. */
export const nextUpdate = (client: LDClient, key: string, ms = 10_000) =>
  new Promise<{ key: string }>((resolve, reject) => {
    const timer = setTimeout(() => {
      client.off(`update:${key}`, done)
      reject(new Error(`no update for ${key} within ${ms} ms`))
    }, ms)
    function done(event: { key: string }) {
      clearTimeout(timer)
      client.off(`update:${key}`, done)
      resolve(event)
    }
    client.on(`update:${key}`, done)
  })
