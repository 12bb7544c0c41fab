import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseConfig } from '@komputer/service-kit';
import { LocalDriverConfigSchema } from '../src/local-config';
import { createLocalDriver } from '../src/local-driver';
import { runtimeDriverContract } from './driver-contract';
import { buildRuntime } from './harness';

runtimeDriverContract('local', async ({ fixture }) => {
  const runtimeEntry = buildRuntime();
  const config = parseConfig(LocalDriverConfigSchema, {
    KOMPUTER_DATA_DIR: join(fixture.dataDir, 'contract'),
    PATH: process.env['PATH'] ?? '/usr/bin:/bin',
  });
  const driver = createLocalDriver(config, {
    logger: fixture.logger,
    logLevel: 'warn',
    runtimeEntry,
  });
  return {
    driver,
    async kill(agent) {
      const pid = Number(driver.ready(agent)?.id.replace('pid ', ''));
      if (!pid) throw new Error(`no runtime runs for ${agent.name}`);
      process.kill(pid, 'SIGKILL');
    },
    hasWorkspace: async (agent) => existsSync(driver.workspace(agent)),
    hasRuntime: async (agent) => driver.running().some((a) => a.name === agent.name),
    readWorkspaceFile: (agent, path) =>
      readFile(
        join(driver.workspace({ namespace: agent.namespace, name: agent.name }), path),
        'utf8',
      ).catch(() => undefined),
  };
});
