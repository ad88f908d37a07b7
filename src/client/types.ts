/** A flag's value: any JSON value (objects and arrays included). */
export type FlagValue = boolean | number | string | null | object

/**
 * The type `variation` answers with for a default of type `T`: booleans, numbers and strings
 * widen (a default of `false` asks for any boolean); object and array types stay as given.
 */
export type ValueOf<T> = T extends boolean ? boolean : T extends number ? number : T extends string ? string : T

/** The context flags are evaluated for, as in OFREP: `targetingKey` plus any attributes. */
export type EvaluationContext = { targetingKey?: string; [attribute: string]: unknown }

/** OFREP's error codes, plus the two the client decides itself (FLAG_NOT_FOUND, TYPE_MISMATCH). */
export type ErrorCode =
  | 'FLAG_NOT_FOUND'
  | 'TYPE_MISMATCH'
  | 'TARGETING_KEY_MISSING'
  | 'INVALID_CONTEXT'
  | 'PARSE_ERROR'
  | 'GENERAL'

/**
 * What `variationDetail` answers. `reason` is the server's (`TARGETING_MATCH`, `SPLIT`,
 * `DEFAULT`, `DISABLED`), `STATIC` for a bootstrap value, `CACHED` for a stored one, or `ERROR`
 * with an `errorCode` when the default was served.
 */
export type FlagDetail<T> = { value: T; variant?: string; reason: string; errorCode?: ErrorCode }

/**
 * Where last-known values are kept between sessions: `localStorage` and React Native's
 * AsyncStorage both fit.
 */
export type FlagStorage = {
  getItem(key: string): string | null | Promise<string | null>
  setItem(key: string, value: string): void | Promise<void>
}

/** The response fields the client reads. */
export type ResponseLike = {
  status: number
  headers: { get(name: string): string | null }
  json(): Promise<unknown>
}

/** The part of `fetch` the client uses: `globalThis.fetch` fits, and so do polyfills. */
export type FetchLike = (
  url: string,
  init: { method: 'POST'; headers: Record<string, string>; body: string; signal?: AbortSignal },
) => Promise<ResponseLike>

/**
 * The part of a WebSocket the client uses. Browsers', React Native's, Node 22's and the `ws`
 * package's sockets all fit; the handlers take `any` because each declares its own event types.
 */
export type WebSocketLike = {
  readonly readyState: number
  send(data: string): void
  close(code?: number, reason?: string): void
  onopen: ((event: any) => void) | null
  onmessage: ((event: any) => void) | null
  onclose: ((event: any) => void) | null
  onerror: ((event: any) => void) | null
}

export type WebSocketConstructor = new (url: string) => WebSocketLike

/** Where the client reports trouble it recovers from (network failures, throwing listeners). */
export type Logger = { warn(...message: unknown[]): void }

export type ClientOptions = {
  /** The service's origin, e.g. `https://flags.example.com` (a path prefix is kept). */
  baseUrl: string
  /** A client, mobile or server key. */
  key: string
  /**
   * Default: the context the edge evaluated a bootstrapped page for (`<script id="edgeflags-bootstrap">`,
   * read synchronously at creation, so its values are served before the first paint), else `{}`.
   */
  context?: EvaluationContext
  /** Values to serve until the server answers; when set, the page's bootstrap is not read. */
  bootstrap?: Record<string, FlagValue>
  /** Keeps last-known values per base URL, key and context; read at start when there is no bootstrap. */
  storage?: FlagStorage
  /** Default: `globalThis.fetch`. */
  fetch?: FetchLike
  /** Default: `globalThis.WebSocket`; pass `ws` on Node 20. `null` polls OFREP instead. */
  WebSocket?: WebSocketConstructor | null
  /** Default: `console`. */
  logger?: Logger
}

/** Events and their listeners' arguments. */
export type ClientEvents = {
  /** The keys whose value changed, after a put, patch, fetch or identify. */
  change: (keys: string[]) => void
  /** Once, when `ready()` resolves. */
  ready: () => void
  /** A refused key or context, or an error message from the server. */
  error: (error: Error) => void
  /** `true` when an OFREP fetch failed with no socket up, `false` at the next success. */
  offline: (offline: boolean) => void
} & {
  /** One key's new and previous value (`undefined` when absent). */
  [event: `change:${string}`]: (value: FlagValue | undefined, previous: FlagValue | undefined) => void
}

export type Client = {
  /**
   * Resolves once values from the server are applied, or once an attempt failed while bootstrap
   * or stored values are being served (ready offline). Rejects only when the key or context was
   * refused and there is nothing to serve, or when the client is closed first.
   */
  ready(): Promise<void>
  /** The flag's value when its JSON type is the default's (`null` matches only `null`), else the default. */
  variation<T extends FlagValue>(key: string, defaultValue: T): ValueOf<T>
  variationDetail<T extends FlagValue>(key: string, defaultValue: T): FlagDetail<ValueOf<T>>
  /** Every flag that has a value. */
  allFlags(): Record<string, FlagValue>
  /**
   * The ruleset version of the values served, and when the server accepted it (known once the
   * stream has sent a put or patch): `Date.now() - Date.parse(updatedAt)` is a change's delay.
   */
  meta(): { version: number | undefined; updatedAt: string | undefined }
  /**
   * Switches to another context: over the open socket, else by an OFREP fetch. Resolves when the
   * new values are applied; rejects when that attempt fails (the client keeps trying).
   */
  identify(context: EvaluationContext): Promise<void>
  /** Adds a listener; the function returned removes it. */
  on<E extends keyof ClientEvents>(event: E, listener: ClientEvents[E]): () => void
  /** Closes the socket, stops timers, writes pending values to storage and removes listeners. */
  close(): void
}
