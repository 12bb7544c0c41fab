import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { generateSecretKey } from '@komputer/connectors';
import { parseConfig } from '@komputer/service-kit';
import {
  eventually,
  MINIMAL_AGENT_SPEC,
  startScriptedAnthropic,
  taskEvents,
  text,
} from '@komputer/testing';
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
let runtimeEntry: string;
beforeAll(async () => {
  runtimeEntry = buildRuntime();
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
    { logger: f.logger, logLevel: 'warn', runtimeEntry },
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
    stopUnlessBusy: (agent, busy) => local.stopUnlessBusy(agent, busy),
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

describe('agents’ lifetimes, as the scheduler’s settings give them', () => {
  /** A scheduler on a local driver of its own, with `settings` on top of the tests' own. */
  async function scheduler(dir: string, settings: Record<string, string>) {
    const driver = createLocalDriver(
      parseConfig(LocalDriverConfigSchema, {
        KOMPUTER_DATA_DIR: join(f.dataDir, dir),
        KOMPUTER_RUNTIME_SPARE: 'false',
      }),
      { logger: f.logger, logLevel: 'warn', runtimeEntry },
    );
    const config = parseConfig(SchedulerConfigSchema, {
      REDIS_URL: f.redisServer.url,
      KOMPUTER_SECRET_KEY: generateSecretKey(),
      LOG_LEVEL: 'silent',
      ANTHROPIC_API_KEY: 'sk-ant-scheduler-key',
      ANTHROPIC_BASE_URL: model.url,
      KOMPUTER_RECONCILE_INTERVAL_MS: '100',
      ...settings,
    });
    const started = createScheduler(config, f.logger, driver);
    await started.start();
    return { scheduler: started, driver };
  }

  /** Sends the agent a task, as the gateway does, and waits for its events. */
  async function runTask(namespace: string, instructions: string) {
    const taskId = randomUUID();
    const now = new Date().toISOString();
    const claim = await f.agents.claim({
      namespace,
      name: 'agent',
      taskId,
      instructions,
      spec: MINIMAL_AGENT_SPEC,
      now,
    });
    const uid = 'agent' in claim ? claim.agent.uid : undefined;
    // A task for the agent whose runtime the scheduler holds goes to it straight.
    if (!(claim.outcome === 'queued' && claim.handedTo)) {
      await f.tasks.enqueue({
        taskId,
        namespace,
        agentName: 'agent',
        instructions,
        enqueuedAt: now,
        ...(uid ? { agentUid: uid } : {}),
      });
    }
    const events = await taskEvents(f.redis, f.keys.events(namespace, 'agent'), taskId);
    return events;
  }

  // Two runtimes start one after the other, each in its sandbox: room for a loaded machine.
  it('puts an agent to sleep once it has been idle KOMPUTER_SLEEP_AFTER_IDLE_MS; its next task wakes it', async () => {
    const { scheduler: subject, driver } = await scheduler('idle', {
      KOMPUTER_SLEEP_AFTER_IDLE_MS: '200',
    });
    try {
      model.script({ content: [text('First.')] });
      const first = await runTask('idle', 'Go.');
      expect(first.map((e) => e.type)).toEqual(['task_started', 'text', 'task_completed']);
      await eventually(
        async () => (await f.agents.get('idle', 'agent'))?.status === 'Sleeping',
        'the agent asleep',
      );
      await eventually(() => driver.running().length === 0, 'its runtime stopped');
      model.script({ content: [text('Woken.')] });
      const next = await runTask('idle', 'Again.');
      expect(next.map((e) => e.type)).toEqual(['task_started', 'text', 'task_completed']);
      expect(next[0]?.payload).toMatchObject({ resuming_session: true });
    } finally {
      await subject.close();
    }
  }, 40_000);

  it('deletes an agent KOMPUTER_DELETE_AFTER_IDLE_MS after its last task', async () => {
    const { scheduler: subject, driver } = await scheduler('expiring', {
      KOMPUTER_DELETE_AFTER_IDLE_MS: '200',
    });
    try {
      model.script({ content: [text('Done.')] });
      await runTask('expiring', 'Go.');
      await eventually(
        async () => (await f.agents.get('expiring', 'agent')) === undefined,
        'the agent deleted',
      );
      await eventually(async () => (await driver.known()).length === 0, 'its workspace removed');
    } finally {
      await subject.close();
    }
  });
});
