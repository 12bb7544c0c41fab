import { resolve } from 'node:path';
import { createLocalDriver, createScheduler } from '@komputer/agent-scheduler';
import type { Scheduler } from '@komputer/agent-scheduler';
import { createRegistryService } from '@komputer/connector-registry';
import type { RegistryService } from '@komputer/connector-registry';
import type { SchedulerStatus } from '@komputer/contracts';
import { createGateway } from '@komputer/gateway';
import type { Gateway } from '@komputer/gateway';
import { redactRedisUrl } from '@komputer/service-kit';
import type { Logger } from '@komputer/service-kit';
import { RedisServer, startScriptedAnthropic } from '@komputer/testing';
import type { ScriptedAnthropic } from '@komputer/testing';
import type { DevConfig } from './config';
import { offlineModel } from './offline-model';
import { ensurePrivateDir } from './private-files';
import { devRedisPassword, REDIS_PASSWORD_FILE } from './redis-password';
import { API_KEY_FILE, devApiKey } from './api-key';
import { devSecretKey } from './secret-key';

/** Every app in one process, with what it started for them. */
export interface Stack {
  /** The gateway's base URL. */
  url: string;
  /** The connector-registry's base URL (127.0.0.1, a free port): the gateway forwards to it. */
  registryUrl: string;
  /** Where Redis is, fit to print (no password). */
  redis: string;
  /**
   * Where the admin API key is: the file `npm start` made (`KOMPUTER_DATA_DIR/api-key`), or
   * `KOMPUTER_ADMIN_KEY`; undefined with `KOMPUTER_AUTH=off`.
   */
  apiKey?: string;
  /** The offline model's URL, when no Anthropic credentials were set. */
  offlineModel?: string;
  gateway: Gateway;
  registry: RegistryService;
  scheduler: Scheduler;
  /** Whether the agents' commands run in the sandbox, as the scheduler found at start. */
  sandbox: SchedulerStatus;
  /**
   * Stops the gateway, then the scheduler and its runtimes, then the registry, then what the
   * stack started. Idempotent.
   */
  close(): Promise<void>;
}

/**
 * Starts every app. Without `REDIS_URL` it starts its own redis-server (append-only, under
 * `KOMPUTER_DATA_DIR`, on 127.0.0.1 only, with the password in `KOMPUTER_DATA_DIR/redis.password`);
 * without `ANTHROPIC_API_KEY` it serves the offline model. `KOMPUTER_DATA_DIR` is made mode 0700
 * first: the keys, Redis's data and the agents' workspaces live there. With API keys on and no
 * `KOMPUTER_ADMIN_KEY`, the admin key is `KOMPUTER_DATA_DIR/api-key`, made on first start.
 */
export async function startStack(
  config: DevConfig,
  logger: Logger,
  runtimeEntry: string,
): Promise<Stack> {
  const started: { close(): Promise<void> }[] = [];
  const closeAll = async () => {
    for (const part of started.reverse()) await part.close();
  };
  try {
    const dataDir = resolve(config.KOMPUTER_DATA_DIR);
    await ensurePrivateDir(dataDir, logger);
    let redisUrl = config.REDIS_URL;
    let redis = `${redisUrl ? redactRedisUrl(redisUrl) : ''} (REDIS_URL)`;
    if (!redisUrl) {
      const dir = resolve(dataDir, 'redis');
      const password = await devRedisPassword(dataDir, logger);
      const server = new RedisServer({ dir, appendOnly: true, detached: true, password });
      await server.start();
      started.push({ close: () => server.stop() });
      redisUrl = server.url;
      redis =
        `redis://127.0.0.1:${server.port} (own redis-server, ` +
        `password in ${resolve(dataDir, REDIS_PASSWORD_FILE)}, data in ${dir})`;
    }
    const secretKey = config.KOMPUTER_SECRET_KEY ?? (await devSecretKey(dataDir, logger));
    const adminKey =
      config.KOMPUTER_AUTH && config.KOMPUTER_ADMIN_KEY === undefined
        ? await devApiKey(dataDir, logger)
        : config.KOMPUTER_ADMIN_KEY;
    const apiKey = !config.KOMPUTER_AUTH
      ? undefined
      : config.KOMPUTER_ADMIN_KEY === undefined
        ? resolve(dataDir, API_KEY_FILE)
        : 'KOMPUTER_ADMIN_KEY';
    let offline: ScriptedAnthropic | undefined;
    if (!config.ANTHROPIC_API_KEY) {
      const model = await startScriptedAnthropic({ offlineResponder: offlineModel });
      started.push(model);
      offline = model;
    }
    const driver = createLocalDriver(config, {
      logger,
      logLevel: config.LOG_LEVEL,
      runtimeEntry,
    });
    // The gateway and the runtimes call the registry: loopback, and any free port.
    const registry = createRegistryService(
      {
        ...config,
        REDIS_URL: redisUrl,
        KOMPUTER_SECRET_KEY: secretKey,
        KOMPUTER_ADMIN_KEY: adminKey,
        HOST: '127.0.0.1',
        PORT: 0,
        // A person's browser comes back to the gateway that npm start runs.
        KOMPUTER_OAUTH_CALLBACK_URL:
          config.KOMPUTER_OAUTH_CALLBACK_URL ??
          `http://localhost:${config.PORT}/api/v1/oauth/callback`,
      },
      logger,
    );
    started.push(registry);
    const registryUrl = await registry.listen();
    const scheduler = createScheduler(
      {
        ...config,
        REDIS_URL: redisUrl,
        KOMPUTER_SECRET_KEY: secretKey,
        KOMPUTER_CONNECTOR_REGISTRY_URL: registryUrl,
        ...(offline ? { ANTHROPIC_API_KEY: 'offline', ANTHROPIC_BASE_URL: offline.url } : {}),
      },
      logger,
      driver,
    );
    started.push(scheduler);
    await scheduler.start();
    const gateway = createGateway(
      {
        ...config,
        REDIS_URL: redisUrl,
        KOMPUTER_REGISTRY_URL: registryUrl,
        KOMPUTER_ADMIN_KEY: adminKey,
      },
      logger,
    );
    started.push(gateway);
    const url = await gateway.listen();
    let closing: Promise<void> | undefined;
    return {
      url,
      registryUrl,
      redis,
      ...(apiKey ? { apiKey } : {}),
      ...(offline ? { offlineModel: offline.url } : {}),
      gateway,
      registry,
      scheduler,
      sandbox: driver.sandbox,
      close: () => (closing ??= closeAll()),
    };
  } catch (err) {
    await closeAll();
    throw err;
  }
}
