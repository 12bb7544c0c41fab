import { createLogger, createShutdown, loadConfig, startTracing } from '@komputer/service-kit';
import { GatewayConfigSchema } from './config';
import { createGateway } from './gateway';

const config = loadConfig(GatewayConfigSchema, process.env);
const logger = createLogger({ name: 'gateway', level: config.LOG_LEVEL });
const tracing = startTracing(config, { serviceName: 'gateway' });
const gateway = createGateway(config, logger);
const shutdown = createShutdown({ logger, timeoutMs: config.KOMPUTER_SHUTDOWN_TIMEOUT_MS });
shutdown.add('gateway', () => gateway.close());
shutdown.add('traces', () => tracing.shutdown());
shutdown.add('logs', () => logger.flush());
shutdown.installSignalHandlers();
gateway.listen().then(
  (url) => logger.info({ url: `${url}/api/v1` }, 'gateway listening'),
  (err: unknown) => {
    logger.fatal({ err }, 'gateway could not listen');
    process.exit(1);
  },
);
