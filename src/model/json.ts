/**
 * A JSON value. Used instead of `unknown` where data crosses to the Hub over RPC, whose typing
 * only admits values it knows how to serialise.
 */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue }

/** A JSON object (not null, not an array). */
export const isJsonObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)
