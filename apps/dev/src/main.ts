// `npm start`: every app in one process for development. Ctrl-C stops the apps first, then
// what the launcher started for them.
import { join } from 'node:path';
import { createLogger, createShutdown, loadConfig } from '@komputer/service-kit';
import { DevConfigSchema } from './config';
import { startStack } from './stack';
import type { Stack } from './stack';

const config = loadConfig(DevConfigSchema, process.env);
const logger = createLogger({ name: 'komputer', level: config.LOG_LEVEL });
const shutdown = createShutdown({ logger, timeoutMs: config.KOMPUTER_SHUTDOWN_TIMEOUT_MS });
let stack: Stack | undefined;
shutdown.add('apps', () => stack?.close());
shutdown.add('logs', () => logger.flush());
shutdown.installSignalHandlers();

const runtimeEntry =
  config.KOMPUTER_RUNTIME_ENTRY ?? join(__dirname, '..', 'agent-runtime', 'main.js');
startStack(config, logger, runtimeEntry).then(
  (started) => {
    stack = started;
    const { url } = started;
    process.stdout.write(
      [
        '',
        'komputer is running',
        `  API:      ${url}/api/v1`,
        `  OpenAPI:  ${url}/api/v1/openapi.json`,
        `  Health:   ${url}/healthz  ${url}/readyz`,
        `  Redis:    ${started.redis}`,
        `  Model:    ${started.offlineModel ? `OFFLINE, scripted replies (${started.offlineModel}); set ANTHROPIC_API_KEY for a real model` : 'Anthropic API (ANTHROPIC_API_KEY)'}`,
        'Press Ctrl-C to stop.',
        '',
        '',
      ].join('\n'),
    );
  },
  async (err: unknown) => {
    logger.fatal({ err }, 'komputer could not start');
    await shutdown.run('start-up failed');
    process.exit(1);
  },
);
