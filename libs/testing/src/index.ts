export { findFreePort, listenOnRandomPort } from './listen';
export type { ListeningAddress } from './listen';
export { findRedisServerBinary, RedisServer, startRedisServer } from './redis-server';
export type { RedisServerOptions } from './redis-server';
export { ScriptedAnthropic, startScriptedAnthropic } from './anthropic/server';
export type { ScriptedAnthropicOptions } from './anthropic/server';
export {
  apiError,
  echoLastUserText,
  lastUserText,
  statusForErrorType,
  text,
  thinking,
  toolUse,
} from './anthropic/turns';
export type {
  ScriptedBlock,
  ScriptedError,
  ScriptedReply,
  ScriptedRequest,
  ScriptedTurn,
  StreamFailure,
  TurnFunction,
} from './anthropic/turns';
