import { createLogger, parseConfig } from '@komputer/service-kit';
import { createKeys, EventStore } from '@komputer/store';
import { collectLogLines, startTestRedis as startRedisWith } from '@komputer/testing';
import type { TestRedis } from '@komputer/testing';
import { EventRelayConfigSchema } from '../src/config';
import { createEventRelay } from '../src/event-relay';
import type { EventRelay } from '../src/event-relay';
import type { RelayOptions } from '@komputer/relay';

// The clients, the test Redis and the waits are shared with the fault tests of apps/dev.
export { eventually, SseClient, TestClient, textEvent } from '@komputer/testing';
export type { TestRedis } from '@komputer/testing';

/** Starts redis-server with a client that writes events as the store does. */
export function startTestRedis(maxLen?: number): Promise<TestRedis> {
  return startRedisWith({ createKeys, EventStore }, maxLen);
}

/** A running event-relay on a random port. */
export interface TestRelay {
  eventRelay: EventRelay;
  url: string;
  /** `ws://…/api/v1`. */
  ws: string;
  /** `http://…/api/v1`. */
  api: string;
  logs: string[];
}

/** Starts an event-relay against `redisUrl`; `env` overrides its settings. */
export async function startTestRelay(
  redisUrl: string,
  env: Record<string, string> = {},
  options: RelayOptions = {},
): Promise<TestRelay> {
  const config = parseConfig(EventRelayConfigSchema, {
    PORT: '0',
    HOST: '127.0.0.1',
    REDIS_URL: redisUrl,
    // API keys are off unless a test turns them on.
    KOMPUTER_AUTH: 'off',
    ...env,
  });
  const { destination, lines: logs } = collectLogLines();
  const logger = createLogger({ name: 'event-relay', level: 'debug', destination });
  const eventRelay = createEventRelay(config, logger, options);
  const url = await eventRelay.listen();
  return {
    eventRelay,
    url,
    api: `${url}/api/v1`,
    ws: `${url.replace('http', 'ws')}/api/v1`,
    logs,
  };
}
