/**
 * The edgeflags client for browsers, React Native and Node ≥ 20: live flag values over one
 * WebSocket, with OFREP as the fallback. It imports nothing outside this folder.
 */
export { createClient } from './client'
export type {
  Client,
  ClientEvents,
  ClientOptions,
  ErrorCode,
  EvaluationContext,
  FetchLike,
  FlagDetail,
  FlagStorage,
  FlagValue,
  Logger,
  ValueOf,
  WebSocketConstructor,
  WebSocketLike,
} from './types'
