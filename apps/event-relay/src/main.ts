import { createLogger, createShutdown, loadConfig } from '@komputer/service-kit';
import { EventRelayConfigSchema } from './config';
import { createEventRelay } from './event-relay';

const config = loadConfig(EventRelayConfigSchema, process.env);
const logger = createLogger({ name: 'event-relay', level: config.LOG_LEVEL });
const eventRelay = createEventRelay(config, logger);
const shutdown = createShutdown({ logger, timeoutMs: config.KOMPUTER_SHUTDOWN_TIMEOUT_MS });
shutdown.add('event-relay', () => eventRelay.close());
shutdown.add('logs', () => logger.flush());
shutdown.installSignalHandlers();
eventRelay.listen().then(
  (url) => logger.info({ url: `${url}/api/v1` }, 'event-relay listening'),
  (err: unknown) => {
    logger.fatal({ err }, 'event-relay could not listen');
    process.exit(1);
  },
);
