import { createLogger, createShutdown, loadConfig } from '@komputer/service-kit';
import { RegistryConfigSchema } from './config';
import { createRegistryService } from './registry-service';

const config = loadConfig(RegistryConfigSchema, process.env);
const logger = createLogger({ name: 'connector-registry', level: config.LOG_LEVEL });
const registry = createRegistryService(config, logger);
const shutdown = createShutdown({ logger, timeoutMs: config.KOMPUTER_SHUTDOWN_TIMEOUT_MS });
shutdown.add('connector-registry', () => registry.close());
shutdown.add('logs', () => logger.flush());
shutdown.installSignalHandlers();
registry.listen().then(
  (url) => logger.info({ url: `${url}/api/v1` }, 'connector-registry listening'),
  (err: unknown) => {
    logger.fatal({ err }, 'connector-registry could not listen');
    process.exit(1);
  },
);
