import { join } from 'node:path';
import {
  createLogger,
  createShutdown,
  startTracing,
  listenOn,
  loadConfig,
  stopServer,
} from '@komputer/service-kit';
import { SchedulerConfigSchema } from './config';
import { createRuntimeDriver } from './drivers';
import { createScheduler } from './scheduler';
import { createStatusServer } from './status-server';

const config = loadConfig(SchedulerConfigSchema, process.env);
const logger = createLogger({ name: 'agent-scheduler', level: config.LOG_LEVEL });
const tracing = startTracing(config, { serviceName: 'agent-scheduler' });
const driver = createRuntimeDriver(config, process.env, {
  logger,
  runtimeEntry: join(__dirname, '..', 'agent-runtime', 'main.js'),
});
const scheduler = createScheduler(config, logger, driver);
const statusServer = createStatusServer(scheduler.health, scheduler.metrics, logger);
const shutdown = createShutdown({ logger, timeoutMs: config.KOMPUTER_SHUTDOWN_TIMEOUT_MS });
// Readiness goes to 503 as the scheduler begins to close; its probes answer until it has.
shutdown.add('scheduler', () => scheduler.close());
shutdown.add('status server', () => stopServer(statusServer, async () => undefined));
shutdown.add('traces', () => tracing.shutdown());
shutdown.add('logs', () => logger.flush());
shutdown.installSignalHandlers();
// Probes reach it from the start: readiness says when it takes tasks.
listenOn(statusServer, config.PORT, config.HOST)
  .then(async (url) => {
    await scheduler.start();
    logger.info(
      {
        concurrency: config.KOMPUTER_SCHEDULER_CONCURRENCY,
        driver: config.KOMPUTER_RUNTIME_DRIVER,
        url,
      },
      'scheduler taking tasks',
    );
  })
  .catch(async (err: unknown) => {
    logger.fatal({ err }, 'scheduler could not start');
    await shutdown.run('start-up failed');
    process.exit(1);
  });
