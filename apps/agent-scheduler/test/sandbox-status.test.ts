import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { generateSecretKey } from '@komputer/connectors';
import { SchedulerStatusSchema } from '@komputer/contracts';
import { parseConfig } from '@komputer/service-kit';
import { MINIMAL_AGENT_SPEC, startScriptedAnthropic, taskEvents, text } from '@komputer/testing';
import type { ScriptedAnthropic } from '@komputer/testing';
import { SchedulerConfigSchema } from '../src/config';
import { LocalDriverConfigSchema } from '../src/local-config';
import { createLocalDriver } from '../src/local-driver';
import { createScheduler } from '../src/scheduler';
import { SANDBOX_OFF_WARNING } from '../src/task-runner';
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

/** Runs one task on a scheduler whose local driver has `env`; returns its events and status. */
async function runTask(namespace: string, env: Record<string, string>) {
  const driver = createLocalDriver(
    parseConfig(LocalDriverConfigSchema, {
      KOMPUTER_DATA_DIR: join(f.dataDir, namespace),
      KOMPUTER_RUNTIME_SPARE: 'false',
      ...env,
    }),
    { logger: f.logger, logLevel: 'warn', runtimeEntry: buildRuntime() },
  );
  const config = parseConfig(SchedulerConfigSchema, {
    REDIS_URL: f.redisServer.url,
    KOMPUTER_SECRET_KEY: generateSecretKey(),
    ANTHROPIC_API_KEY: 'test-key',
    ANTHROPIC_BASE_URL: model.url,
    LOG_LEVEL: 'silent',
  });
  const scheduler = createScheduler(config, f.logger, driver);
  await scheduler.start();
  try {
    const taskId = randomUUID();
    const now = new Date().toISOString();
    const claim = await f.agents.claim({
      namespace,
      name: 'agent',
      taskId,
      instructions: 'Go.',
      spec: MINIMAL_AGENT_SPEC,
      now,
    });
    await f.tasks.enqueue({
      taskId,
      namespace,
      agentName: 'agent',
      instructions: 'Go.',
      enqueuedAt: now,
      ...(claim.outcome === 'created' ? { agentUid: claim.agent.uid } : {}),
    });
    const events = await taskEvents(f.redis, f.keys.events(namespace, 'agent'), taskId);
    const ids = await f.redis.smembers(f.keys.schedulers());
    const statuses = (await Promise.all(ids.map((id) => f.redis.get(f.keys.schedulerAlive(id)))))
      .filter((value): value is string => value !== null)
      .map((value) => SchedulerStatusSchema.parse(JSON.parse(value)));
    return { events, statuses, started: driver.running().length };
  } finally {
    await scheduler.close();
  }
}

describe('the sandbox, as the scheduler reports it', () => {
  it('refuses every task, saying how to fix it, where the sandbox cannot start', async () => {
    // No bubblewrap on the runtimes' PATH.
    const { events, statuses, started } = await runTask('no-bwrap', { PATH: '/nonexistent' });
    expect(events.map((e) => e.type)).toEqual(['error']);
    expect(events[0]?.payload).toEqual({
      error: expect.stringContaining('apt-get install bubblewrap'),
      retryable: false,
    });
    expect(JSON.stringify(events[0]?.payload)).toContain('KOMPUTER_SANDBOX=off');
    expect(started).toBe(0);
    expect(statuses).toContainEqual({
      sandbox: 'unavailable',
      problem: expect.stringContaining('bwrap is not installed (package bubblewrap)'),
    });
  });

  it('says on task_started that the sandbox is on', async () => {
    model.script({ content: [text('Done.')] });
    const { events, statuses } = await runTask('sandboxed', {});
    expect(events.map((e) => e.type)).toEqual(['task_started', 'text', 'task_completed']);
    expect(events[0]?.payload).toMatchObject({ sandbox: 'on' });
    expect(events[0]?.payload).not.toHaveProperty('warning');
    expect(statuses).toContainEqual({ sandbox: 'on' });
  });

  it('warns on every task_started when KOMPUTER_SANDBOX=off', async () => {
    model.script({ content: [text('Done.')] });
    const { events, statuses } = await runTask('unsandboxed', { KOMPUTER_SANDBOX: 'off' });
    expect(events.map((e) => e.type)).toEqual(['task_started', 'text', 'task_completed']);
    expect(events[0]?.payload).toMatchObject({ sandbox: 'off', warning: SANDBOX_OFF_WARNING });
    expect(statuses).toContainEqual({ sandbox: 'off' });
  });
});
