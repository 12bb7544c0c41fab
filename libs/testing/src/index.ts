export { followEvents, taskEvents } from './event-stream';
export type { FollowEventsOptions, StreamEvent, TaskEventsOptions } from './event-stream';
export { MINIMAL_AGENT_SPEC } from './fixtures';
export { findFreePort, listenOnRandomPort } from './listen';
export { collectLogLines } from './log-lines';
export type { CollectedLogLines } from './log-lines';
export type { ListeningAddress } from './listen';
export { parsePrometheusText, PrometheusScrape, scrapeMetrics } from './prometheus';
export type { PrometheusFamily, PrometheusSample } from './prometheus';
export { findRedisServerBinary, RedisServer, startRedisServer } from './redis-server';
export { SseClient, TestClient } from './relay-clients';
export { startServiceProcess } from './service-process';
export type { ServiceExit, ServiceProcess, ServiceProcessOptions } from './service-process';
export type { Closed, SseMessage } from './relay-clients';
export { startTestRedis, textEvent } from './test-redis';
export type { EventAppender, TestRedis, TestRedisKeys, TestRedisStore } from './test-redis';
export { eventually, withTimeout } from './wait';
export { closeCodeAfter, malformedFrames, RawWebSocket, socketPaths } from './raw-websocket';
export type { MalformedFrame } from './raw-websocket';
export { BAD_HANDSHAKES, HANDSHAKE_HEADERS, refusedUpgrade } from './upgrade';
export type { BadHandshake, RefusedUpgradeOptions } from './upgrade';
export { errorOf, sendRequest } from './http-answer';
export type { HttpAnswer, SendRequestOptions } from './http-answer';
export type { RedisServerOptions } from './redis-server';
export { startRedisCluster } from './redis-cluster';
export type { ClusterNodeInfo, RedisClusterGroup, RedisClusterOptions } from './redis-cluster';
export { startSentinelGroup } from './redis-sentinel';
export type { SentinelGroup, SentinelGroupOptions } from './redis-sentinel';
export { ScriptedAnthropic, startScriptedAnthropic } from './anthropic/server';
export type { ScriptedAnthropicOptions } from './anthropic/server';
export { inputTokensOf } from './anthropic/wire';
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
export { startMcpTestServer } from './mcp-server';
export type { McpTestServer, McpTestServerOAuth, McpTestServerOptions } from './mcp-server';
export { startOidcProvider } from './oauth/oidc-provider';
export type {
  ConsentResult,
  OidcTestClient,
  OidcTestProvider,
  OidcTestProviderOptions,
} from './oauth/oidc-provider';
export { emulatorKubeconfig, startKubeEmulator } from './kubernetes/emulator';
export type { KubeEmulator, KubeEmulatorOptions } from './kubernetes/emulator';
export type { ImageConfig } from './kubernetes/kubelet';
export { hasKubectl, kubectlBaseArgs, kubectlMinorVersion, runKubectl } from './kubernetes/kubectl';
export type { KubectlResult, RunKubectlOptions } from './kubernetes/kubectl';
