import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { generateSecretKey } from '@komputer/connectors';
import { parseConfig } from '@komputer/service-kit';
import { MINIMAL_AGENT_SPEC, startScriptedAnthropic, taskEvents, text } from '@komputer/testing';
import type { ScriptedAnthropic } from '@komputer/testing';
import { SchedulerConfigSchema } from '../src/config';
import { LocalDriverConfigSchema } from '../src/local-config';
import { createLocalDriver } from '../src/local-driver';
import type { AgentRef, RuntimeDriver } from '../src/runtime-driver';
import { createScheduler } from '../src/scheduler';
import { buildRuntime, startFixture } from './harness';
import type { SchedulerFixture } from './harness';

let f: SchedulerFixture;
let model: ScriptedAnthropic;
beforeAll(async () => {
  f = await startFixture();
  model = await startScriptedAnthropic();
});
afterAll(async () => {
  await model.close();
  await f.close();
});

it('runs a queued task on the runtime driver it is handed', async () => {
  const local = createLocalDriver(
    parseConfig(LocalDriverConfigSchema, {
      KOMPUTER_DATA_DIR: join(f.dataDir, 'handed'),
      KOMPUTER_RUNTIME_SPARE: 'false',
    }),
    { logger: f.logger, logLevel: 'warn', runtimeEntry: buildRuntime() },
  );
  // The scheduler knows runtimes only through the driver: every runtime it asks for is seen here.
  const asked: AgentRef[] = [];
  const driver: RuntimeDriver = {
    start: (options) => local.start(options),
    get sandbox() {
      return local.sandbox;
    },
    ensure: (agent) => {
      asked.push(agent);
      return local.ensure(agent);
    },
    ready: (agent) => local.ready(agent),
    stop: (agent) => local.stop(agent),
    remove: (agent) => local.remove(agent),
    known: () => local.known(),
    counts: () => local.counts(),
    close: () => local.close(),
  };
  const config = parseConfig(SchedulerConfigSchema, {
    REDIS_URL: f.redisServer.url,
    KOMPUTER_SECRET_KEY: generateSecretKey(),
    LOG_LEVEL: 'silent',
    ANTHROPIC_API_KEY: 'sk-ant-scheduler-key',
    ANTHROPIC_BASE_URL: model.url,
  });
  const scheduler = createScheduler(config, f.logger, driver);
  await scheduler.start();
  try {
    model.script({ content: [text('Handled.')] });
    const taskId = randomUUID();
    const now = new Date().toISOString();
    const claim = await f.agents.claim({
      namespace: 'handed',
      name: 'agent',
      taskId,
      instructions: 'Go.',
      spec: MINIMAL_AGENT_SPEC,
      now,
    });
    const uid = claim.outcome === 'created' ? claim.agent.uid : undefined;
    await f.tasks.enqueue({
      taskId,
      namespace: 'handed',
      agentName: 'agent',
      instructions: 'Go.',
      enqueuedAt: now,
      ...(uid ? { agentUid: uid } : {}),
    });
    const events = await taskEvents(f.redis, f.keys.events('handed', 'agent'), taskId);
    expect(events.map((e) => e.type)).toEqual(['task_started', 'text', 'task_completed']);
    // The runtime called the scheduler's model proxy, which put in the key.
    expect(model.requests.at(-1)?.headers.authorization).toBe('Bearer sk-ant-scheduler-key');
    expect(asked).toEqual([{ namespace: 'handed', name: 'agent', ...(uid ? { uid } : {}) }]);
  } finally {
    await scheduler.close();
  }
});
