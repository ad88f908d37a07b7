/**
 * A JSON value. Used instead of `unknown` where data crosses to the Hub over RPC, whose typing
 * only admits values it knows how to serialise.
 */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue }
