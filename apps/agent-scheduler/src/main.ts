import { join } from 'node:path';
import { createLogger, createShutdown, loadConfig } from '@komputer/service-kit';
import { SchedulerConfigSchema } from './config';
import { createRuntimeDriver } from './drivers';
import { createScheduler } from './scheduler';

const config = loadConfig(SchedulerConfigSchema, process.env);
const logger = createLogger({ name: 'agent-scheduler', level: config.LOG_LEVEL });
const driver = createRuntimeDriver(config, process.env, {
  logger,
  runtimeEntry: join(__dirname, '..', 'agent-runtime', 'main.js'),
});
const scheduler = createScheduler(config, logger, driver);
const shutdown = createShutdown({ logger, timeoutMs: config.KOMPUTER_SHUTDOWN_TIMEOUT_MS });
shutdown.add('scheduler', () => scheduler.close());
shutdown.add('logs', () => logger.flush());
shutdown.installSignalHandlers();
scheduler.start().then(
  () =>
    logger.info(
      {
        concurrency: config.KOMPUTER_SCHEDULER_CONCURRENCY,
        driver: config.KOMPUTER_RUNTIME_DRIVER,
      },
      'scheduler taking tasks',
    ),
  async (err: unknown) => {
    logger.fatal({ err }, 'scheduler could not start');
    await shutdown.run('start-up failed');
    process.exit(1);
  },
);
