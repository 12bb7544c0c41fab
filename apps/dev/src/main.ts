// `npm start`: every app in one process for development. Ctrl-C stops the apps first, then
// what the launcher started for them.
import { join } from 'node:path';
import { createLogger, createShutdown, loadConfig, startTracing } from '@komputer/service-kit';
import { DevConfigSchema } from './config';
import { logDestination } from './log-format';
import { startStack } from './stack';
import type { Stack } from './stack';
import type { SchedulerStatus } from '@komputer/contracts';

const config = loadConfig(DevConfigSchema, process.env);
const destination = logDestination(config.KOMPUTER_LOG_FORMAT, process.stdout);
const logger = createLogger({
  name: 'komputer',
  level: config.LOG_LEVEL,
  ...(destination ? { destination } : {}),
});
// Every app runs in this process, so they share one tracer provider: their spans say which app
// made them by their instrumentation scope (`komputer/<app>`).
const tracing = startTracing(config, { serviceName: 'komputer' });
const shutdown = createShutdown({ logger, timeoutMs: config.KOMPUTER_SHUTDOWN_TIMEOUT_MS });
let stack: Stack | undefined;
shutdown.add('apps', () => stack?.close());
shutdown.add('traces', () => tracing.shutdown());
shutdown.add('logs', () => logger.flush());
shutdown.installSignalHandlers();

/** The banner's word on the agents' sandbox: a warning when they run without one. */
function sandboxLine(status: SchedulerStatus): string {
  switch (status.sandbox) {
    case 'on':
      return 'on: agents’ commands cannot reach the control plane, the data directory or each other';
    case 'off':
      return 'WARNING: OFF (KOMPUTER_SANDBOX=off): agents’ commands run unsandboxed, as this user, and can reach everything it can';
    case 'unavailable':
      return `UNAVAILABLE, agents will not run: ${status.problem ?? 'the sandbox cannot start'}`;
  }
}

const runtimeEntry =
  config.KOMPUTER_RUNTIME_ENTRY ?? join(__dirname, '..', 'agent-runtime', 'main.js');
startStack(config, logger, runtimeEntry).then(
  (started) => {
    stack = started;
    // On loopback, the name that works for the IPv4 and the IPv6 one alike.
    const url = started.url.replace('//127.0.0.1:', '//localhost:');
    process.stdout.write(
      [
        '',
        'komputer is running',
        `  API:      ${url}/api/v1`,
        `  OpenAPI:  ${url}/api/v1/openapi.json`,
        `  Health:   ${url}/healthz  ${url}/readyz`,
        `  Registry: ${started.registryUrl}/api/v1 (connectors, secrets, memories, skills; the gateway forwards to it)`,
        `  API key:  ${started.apiKey ? `${started.apiKey} (admin; send it as "Authorization: Bearer <key>"; the CLI and the SDK read it)` : 'none needed (KOMPUTER_AUTH=off): every caller may do anything'}`,
        `  Redis:    ${started.redis}`,
        `  Model:    ${started.offlineModel ? `OFFLINE, scripted replies (${started.offlineModel}); set ANTHROPIC_API_KEY for a real model` : 'Anthropic API (ANTHROPIC_API_KEY)'}`,
        `  Sandbox:  ${sandboxLine(started.sandbox)}`,
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
