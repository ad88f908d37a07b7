import { DurableObject } from 'cloudflare:workers'
import type { Env } from '../env'

/**
 * The single writer per environment: it will own the ruleset in KV and fan updates out to
 * connected sockets. For now it is a placeholder so the binding and its migration exist;
 * the real logic arrives with the Hub issue.
 */
export class Hub extends DurableObject<Env> {
  /** Proves the binding works over RPC. */
  ping(): string {
    return 'pong'
  }
}
