import { loadConfig } from '@komputer/service-kit';
import type { Logger } from '@komputer/service-kit';
import type { SchedulerConfig } from './config';
import { KubernetesDriverConfigSchema } from './kubernetes/config';
import { createKubernetesDriver } from './kubernetes/driver';
import { LocalDriverConfigSchema } from './local-config';
import { createLocalDriver } from './local-driver';
import type { RuntimeDriver } from './runtime-driver';

/**
 * The runtime driver that `KOMPUTER_RUNTIME_DRIVER` names, with its own settings read from
 * `env` (a driver whose settings are invalid stops the process with a readable error).
 * `runtimeEntry` is the agent-runtime bundle the local driver starts by default.
 */
export function createRuntimeDriver(
  config: SchedulerConfig,
  env: Record<string, string | undefined>,
  options: { logger: Logger; runtimeEntry: string },
): RuntimeDriver {
  switch (config.KOMPUTER_RUNTIME_DRIVER) {
    case 'local':
      return createLocalDriver(loadConfig(LocalDriverConfigSchema, env), {
        ...options,
        logLevel: config.LOG_LEVEL,
      });
    case 'kubernetes':
      return createKubernetesDriver(loadConfig(KubernetesDriverConfigSchema, env), {
        logger: options.logger,
        logLevel: config.LOG_LEVEL,
      });
  }
}
