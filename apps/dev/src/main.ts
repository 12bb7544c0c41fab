// `npm start`: every app in one process for development, with its own redis-server unless
// REDIS_URL is set. Ctrl-C stops the apps first, then that Redis.
import { resolve } from 'node:path';
import { createGateway } from '@komputer/gateway';
import type { Gateway } from '@komputer/gateway';
import { createLogger, createShutdown, loadConfig } from '@komputer/service-kit';
import { RedisServer } from '@komputer/testing';
import { DevConfigSchema } from './config';

const config = loadConfig(DevConfigSchema, process.env);
const logger = createLogger({ name: 'komputer', level: config.LOG_LEVEL });
const shutdown = createShutdown({ logger, timeoutMs: config.KOMPUTER_SHUTDOWN_TIMEOUT_MS });

let redisServer: RedisServer | undefined;
let gateway: Gateway | undefined;
shutdown.add('gateway', () => gateway?.close());
shutdown.add('redis-server', () => redisServer?.stop());
shutdown.add('logs', () => logger.flush());
shutdown.installSignalHandlers();

/** A Redis URL fit to print: its password masked. */
function withoutPassword(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparseable REDIS_URL)';
  }
}

async function start(): Promise<void> {
  let redisUrl = config.REDIS_URL;
  let redisNote = `${withoutPassword(redisUrl ?? '')} (REDIS_URL)`;
  if (!redisUrl) {
    const dir = resolve(config.KOMPUTER_DATA_DIR, 'redis');
    redisServer = new RedisServer({ dir, appendOnly: true, detached: true });
    await redisServer.start();
    redisUrl = redisServer.url;
    redisNote = `${redisUrl} (own redis-server, data in ${dir})`;
  }
  gateway = createGateway({ ...config, REDIS_URL: redisUrl }, logger);
  const url = await gateway.listen();
  process.stdout.write(
    [
      '',
      'komputer is running',
      `  API:      ${url}/api/v1`,
      `  OpenAPI:  ${url}/api/v1/openapi.json`,
      `  Health:   ${url}/healthz  ${url}/readyz`,
      `  Redis:    ${redisNote}`,
      'Press Ctrl-C to stop.',
      '',
      '',
    ].join('\n'),
  );
}

start().catch(async (err: unknown) => {
  logger.fatal({ err }, 'komputer could not start');
  await shutdown.run('start-up failed');
  process.exit(1);
});
