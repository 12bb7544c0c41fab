import { randomUUID } from 'node:crypto';
import { DEFAULT_MODEL } from '@komputer/contracts';
import type {
  AgentSpec,
  RuntimeEventMessage,
  RuntimeTaskMessage,
  TaskJob,
} from '@komputer/contracts';
import {
  createRegistries,
  generateSecretKey,
  parseSecretKey,
  TaskTokenSigner,
} from '@komputer/connectors';
import { ApprovalStore, EventStore, QuotaStore, SquadStore, TemplateStore } from '@komputer/store';
import { MINIMAL_AGENT_SPEC, startScriptedAnthropic, text, toolUse } from '@komputer/testing';
import type { ScriptedAnthropic } from '@komputer/testing';
import { LifetimeEnforcer } from '../src/lifetimes';
import type { AgentLifetimes, LifetimeEnforcerOptions } from '../src/lifetimes';
import { Liveness } from '../src/liveness';
import { ModelProxy } from '../src/model-proxy';
import type { AgentRef, RuntimeDriver, RuntimeHandle } from '../src/runtime-driver';
import { TaskRunner } from '../src/task-runner';
import { TaskTokens } from '../src/task-tokens';
import { startFixture } from './harness';
import type { SchedulerFixture } from './harness';

/** A driver as the contract suite drives it, with what only its own adapter knows how to do. */
export interface DriverUnderTest {
  driver: RuntimeDriver;
  /** Kills the agent's runtime from outside, as a crash would. */
  kill(agent: AgentRef): Promise<void>;
  /** Whether the agent's workspace exists. */
  hasWorkspace(agent: AgentRef): Promise<boolean>;
  /** Whether the agent's runtime runs (its process, or its pod's). */
  hasRuntime(agent: AgentRef): Promise<boolean>;
  /** A file of the agent's own workspace (its directory, or its claim's volume), if it exists. */
  readWorkspaceFile(agent: AgentRef, path: string): Promise<string | undefined>;
}

/** What the suite hands the adapter to build its driver with. */
export interface DriverContext {
  fixture: SchedulerFixture;
}

/** The model API key that only the model proxy holds. */
const MODEL_KEY = 'sk-ant-contract-key';

const NS = 'contract';
/** How long a cancelled task may take to end. */
const CANCEL_WITHIN_MS = 2_000;

/**
 * The behaviour every `RuntimeDriver` must have, run against a real Redis, the scripted model
 * behind the model proxy, and the `TaskRunner`: start and ready, model calls through the proxy, a task's events in order, cancel within 2 s, a killed
 * runtime's task ending with an error, a new channel attached to a running runtime getting
 * again what was not acknowledged, stop and remove, and the agents' lifetimes: an idle agent put
 * to sleep and woken, or deleted, and a task that races either keeping its agent.
 */
export function runtimeDriverContract(
  name: string,
  make: (context: DriverContext) => Promise<DriverUnderTest>,
): void {
  describe(`${name}: the runtime driver contract`, () => {
    let f: SchedulerFixture;
    let model: ScriptedAnthropic;
    let tokens: TaskTokens;
    let proxy: ModelProxy;
    let subject: DriverUnderTest;
    let runner: TaskRunner;
    let agents = 0;

    beforeAll(async () => {
      f = await startFixture();
      model = await startScriptedAnthropic();
      tokens = new TaskTokens(new TaskTokenSigner(parseSecretKey(generateSecretKey())));
      proxy = new ModelProxy({
        host: '127.0.0.1',
        port: 0,
        upstream: model.url,
        apiKey: MODEL_KEY,
        tokens,
        logger: f.logger,
      });
      subject = await make({ fixture: f });
      await subject.driver.start({ modelUrl: await proxy.listen() });
      const registries = createRegistries({
        redis: f.redis,
        keys: f.keys,
        agents: f.agents,
        logger: f.logger,
        secretKey: generateSecretKey(),
        mcpTimeoutMs: 5_000,
      });
      runner = new TaskRunner({
        agents: f.agents,
        driver: subject.driver,
        connectors: registries.connectors,
        // No test here gives an agent a connector.
        registryUrl: 'http://127.0.0.1:9',
        memories: registries.memories,
        skills: registries.skills,
        tokens,
        liveness: new Liveness({
          ...f,
          id: 'contract',
          judgeAfterMs: 0,
          status: () => subject.driver.sandbox,
        }),
        templates: new TemplateStore({ redis: f.redis, keys: f.keys }),
        approvals: new ApprovalStore({ redis: f.redis, keys: f.keys }),
        quotas: new QuotaStore({ redis: f.redis, keys: f.keys }),
        limits: { maxTurns: 10, maxBudgetUsd: 5, timeoutMs: 60_000 },
        textDeltas: false,
        scheduler: 'contract',
        logger: f.logger,
      });
    });
    afterAll(async () => {
      runner?.close();
      await subject?.driver.close();
      await proxy?.close();
      await model?.close();
      await f?.close();
    });
    afterEach(() => expect(model.remainingTurns).toBe(0));

    /** A new agent with a queued task, and that task's job. */
    async function queuedTask(
      instructions = 'Do it.',
      spec: AgentSpec = MINIMAL_AGENT_SPEC,
    ): Promise<{ ref: AgentRef; job: TaskJob }> {
      agents += 1;
      const name = `agent-${agents}`;
      const taskId = randomUUID();
      const now = new Date().toISOString();
      const claim = await f.agents.claim({
        namespace: NS,
        name,
        taskId,
        instructions,
        spec,
        now,
      });
      const uid = claim.outcome === 'created' ? claim.agent.uid : undefined;
      const ref = { namespace: NS, name, ...(uid ? { uid } : {}) };
      return {
        ref,
        job: {
          taskId,
          namespace: NS,
          agentName: name,
          instructions,
          enqueuedAt: now,
          ...(uid ? { agentUid: uid } : {}),
        },
      };
    }

    const storedEvents = (name: string) =>
      new EventStore({ redis: f.redis, keys: f.keys, maxLen: 1000 }).read(NS, name, {
        limit: 200,
      });

    /** A model turn that answers only when the returned function is called. */
    function heldTurn(): () => void {
      let release: () => void = () => undefined;
      const held = new Promise<void>((resolve) => (release = resolve));
      model.script(async () => {
        await held;
        return { content: [text('released')] };
      });
      return release;
    }

    function taskMessage(job: TaskJob): RuntimeTaskMessage {
      return {
        type: 'task',
        taskId: job.taskId,
        instructions: job.instructions,
        agent: {
          name: job.agentName,
          namespace: NS,
          model: DEFAULT_MODEL,
          role: 'worker',
        },
        limits: { maxTurns: 10, maxBudgetUsd: 5, timeoutMs: 60_000 },
        connectors: [],
        memories: [],
        skills: [],
        platformTools: [],
        env: {},
        textDeltas: false,
        modelToken: tokens.issue(
          { namespace: NS, agent: job.agentName, uid: job.agentUid ?? '', taskId: job.taskId },
          60_000,
        ),
      };
    }

    /** Collects the events a handle delivers, from now on. */
    function collect(handle: RuntimeHandle) {
      const events: RuntimeEventMessage[] = [];
      const stop = handle.onMessage((message) => {
        if (message.type === 'event') events.push(message);
      });
      return { events, stop };
    }

    async function until(check: () => boolean, what: string, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (!check()) {
        if (Date.now() > deadline) throw new Error(`waited ${timeoutMs} ms for ${what}`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    }

    it('starts one runtime per agent, however many ask at once, and says when it is ready', async () => {
      const { ref } = await queuedTask();
      const handles = await Promise.all([subject.driver.ensure(ref), subject.driver.ensure(ref)]);
      expect(handles[0]).toBe(handles[1]);
      expect(subject.driver.ready(ref)).toBe(handles[0]);
      expect(handles[0]?.resumable).toBe(false);
      expect(await subject.hasWorkspace(ref)).toBe(true);
      expect((await subject.driver.known()).map((a) => a.name)).toContain(ref.name);
    });

    it('runs a task: every event stored once, in order, ending with the terminal one', async () => {
      const { ref, job } = await queuedTask('Say two things.');
      model.script({ content: [text('first'), text('second')] });
      await runner.run(job);
      const events = await storedEvents(ref.name);
      expect(events.map((e) => e.type)).toEqual(['task_started', 'text', 'text', 'task_completed']);
      expect(events.map((e) => e.payload)).toEqual([
        expect.objectContaining({ instructions: 'Say two things.' }),
        { content: 'first' },
        { content: 'second' },
        expect.objectContaining({ result: 'first\nsecond' }),
      ]);
      expect((await f.agents.get(NS, ref.name))?.taskStatus).toBe('Complete');
      // The call went through the model proxy, which put in the key, and its token died with
      // the task.
      expect(model.requests.at(-1)?.headers.authorization).toBe(`Bearer ${MODEL_KEY}`);
      expect(tokens.size).toBe(0);
      // The runtime stays up and ready for the agent's next task.
      expect(subject.driver.ready(ref)?.resumable).toBe(true);
    });

    it('steers a running task: the steer reaches its next model request, recorded once', async () => {
      const { ref, job } = await queuedTask('Say hi.');
      const release = heldTurn();
      model.script({ content: [text('and bye')] });
      try {
        const requests = model.requestCount;
        const running = runner.run(job);
        await model.waitForRequests(requests + 1, 10_000);
        const steer = await f.agents.claim({
          namespace: NS,
          name: ref.name,
          taskId: randomUUID(),
          instructions: 'Say bye too.',
          spec: MINIMAL_AGENT_SPEC,
          now: new Date().toISOString(),
          steer: true,
        });
        expect(steer).toMatchObject({ outcome: 'steered', taskId: job.taskId, steerIndex: 1 });
        release();
        await running;
        const last = model.requests.at(-1)?.body.messages.at(-1);
        expect(last).toMatchObject({
          role: 'user',
          content: [{ type: 'text', text: 'Say bye too.' }],
        });
        const events = await storedEvents(ref.name);
        expect(events.map((e) => e.type)).toEqual([
          'task_started',
          'text',
          'user_message',
          'text',
          'task_completed',
        ]);
        expect(events[2]?.payload).toEqual({ content: 'Say bye too.', steer_index: 1 });
        expect(await f.redis.llen(f.keys.steers(NS, ref.name))).toBe(0);
        expect((await f.agents.get(NS, ref.name))?.taskStatus).toBe('Complete');
      } finally {
        release();
      }
    });

    it('compacts a running task when asked: Compacting meanwhile, a compaction event, the session kept', async () => {
      const { ref, job } = await queuedTask('Write the plan for the red project.');
      const release = heldTurn();
      const summary = 'I wrote the plan for the red project and said so.';
      let compactingSeen: string | undefined;
      model.script(async (request) => {
        compactingSeen = (await f.agents.get(NS, ref.name))?.compacting;
        const asked = JSON.stringify(request.body.messages.at(-1));
        return asked.includes('Keep the colour.')
          ? { content: [text(summary)] }
          : { error: { status: 400, type: 'invalid_request_error', message: 'not a summary' } };
      });
      try {
        const requests = model.requestCount;
        const running = runner.run(job);
        await model.waitForRequests(requests + 1, 10_000);
        expect(await f.agents.requestCompaction(NS, ref.name, 'Keep the colour.')).toBe(job.taskId);
        release();
        await running;
      } finally {
        release();
      }
      expect(compactingSeen).toBe(job.taskId);
      const events = await storedEvents(ref.name);
      expect(events.map((e) => e.type)).toEqual([
        'task_started',
        'text',
        'compaction',
        'task_completed',
      ]);
      const compaction = events[2];
      if (compaction?.type !== 'compaction') throw new Error('no compaction event');
      expect(compaction.payload).toMatchObject({
        summary,
        trigger: 'manual',
        instructions: 'Keep the colour.',
      });
      expect(compaction.payload.tokens_before).toBeGreaterThan(compaction.payload.tokens_after);
      const agent = await f.agents.get(NS, ref.name);
      expect(agent?.compacting).toBeUndefined();
      expect(await f.agents.compactionRequested(NS, ref.name, job.taskId)).toBeUndefined();

      // The agent's next task goes on from the summary, in the same session.
      const next = randomUUID();
      await f.agents.claim({
        namespace: NS,
        name: ref.name,
        taskId: next,
        instructions: 'What colour was it?',
        spec: MINIMAL_AGENT_SPEC,
        now: new Date().toISOString(),
      });
      model.script({ content: [text('Red.')] });
      await runner.run({ ...job, taskId: next, instructions: 'What colour was it?' });
      const sent = JSON.stringify(model.requests.at(-1)?.body.messages);
      expect(sent).toContain(summary);
      expect(sent).not.toContain('Write the plan for the red project.');
      const ends = (await storedEvents(ref.name)).filter((e) => e.type === 'task_completed');
      expect(ends).toHaveLength(2);
      expect(ends[1]?.payload).toMatchObject({
        session_id: (ends[0]?.payload as { session_id: string }).session_id,
      });
    });

    it(`cancels a running task within ${CANCEL_WITHIN_MS} ms`, async () => {
      const { ref, job } = await queuedTask();
      const release = heldTurn();
      try {
        const requests = model.requestCount;
        const running = runner.run(job);
        await model.waitForRequests(requests + 1, 10_000);
        const asked = Date.now();
        expect(runner.cancel(job.taskId, 'cancelled by request')).toBe(true);
        await running;
        expect(Date.now() - asked).toBeLessThanOrEqual(CANCEL_WITHIN_MS);
        expect((await storedEvents(ref.name)).at(-1)).toMatchObject({
          type: 'task_cancelled',
          payload: { reason: 'cancelled by request' },
        });
      } finally {
        release();
      }
    });

    it('ends the task of a runtime that is killed with an error, and the next task gets a new one', async () => {
      const { ref, job } = await queuedTask();
      const release = heldTurn();
      try {
        const requests = model.requestCount;
        const running = runner.run(job);
        await model.waitForRequests(requests + 1, 10_000);
        await subject.kill(ref);
        await running;
        expect((await storedEvents(ref.name)).at(-1)).toMatchObject({
          type: 'error',
          payload: { retryable: true },
        });
        expect(await f.agents.get(NS, ref.name)).toMatchObject({
          taskStatus: 'Error',
          status: 'Failed',
        });
      } finally {
        release();
      }
      expect(subject.driver.ready(ref)).toBeUndefined();
      const next = await subject.driver.ensure(ref);
      expect(subject.driver.ready(ref)).toBe(next);
    });

    it('re-attaches: a new channel gets again what was not acknowledged, in order, none twice', async () => {
      const { ref, job } = await queuedTask();
      const handle = await subject.driver.ensure(ref);
      model.script({ content: [text('one'), text('two'), text('three')] });
      const first = collect(handle);
      expect(handle.send(taskMessage(job))).toBe(true);
      await until(() => first.events.length === 4, 'the task’s four events');
      first.stop();
      // The first supervisor stored event 1 only; a second one attaches.
      const second = collect(handle);
      expect(await handle.reattach({ taskId: job.taskId, afterSeq: 1 }, 5_000)).toEqual({});
      await until(() => second.events.length >= 3, 'the events not acknowledged');
      expect(second.events.map((m) => [m.seq, m.event.type])).toEqual([
        [2, 'text'],
        [3, 'text'],
        [4, 'task_completed'],
      ]);
      // Acknowledged now: a third channel gets nothing again, and the runtime is idle.
      handle.send({ type: 'ack', taskId: job.taskId, seq: 4 });
      second.stop();
      const third = collect(handle);
      expect(await handle.reattach({ afterSeq: 0 }, 5_000)).toEqual({});
      expect(await handle.request('status', undefined, 5_000)).toEqual({ unacknowledged: 0 });
      expect(third.events).toEqual([]);
      third.stop();
    });

    it('re-attaches in the middle of a task, which goes on over the new channel', async () => {
      const { ref, job } = await queuedTask();
      const handle = await subject.driver.ensure(ref);
      const release = heldTurn();
      try {
        const requests = model.requestCount;
        handle.send(taskMessage(job));
        await model.waitForRequests(requests + 1, 10_000);
        expect(await handle.reattach({ taskId: job.taskId, afterSeq: 0 }, 5_000)).toEqual({
          taskId: job.taskId,
        });
        const after = collect(handle);
        release();
        await until(() => after.events.some((m) => m.event.type === 'task_completed'), 'the end');
        expect(after.events.map((m) => [m.seq, m.event.type])).toEqual([
          [1, 'text'],
          [2, 'task_completed'],
        ]);
        after.stop();
      } finally {
        release();
      }
    });

    it('stops a runtime, and removes it with the workspace', async () => {
      const { ref } = await queuedTask();
      const handle = await subject.driver.ensure(ref);
      const exited = new Promise<string>((resolve) => handle.onExit(resolve));
      await subject.driver.stop(ref);
      expect(await exited).toEqual(expect.any(String));
      expect(subject.driver.ready(ref)).toBeUndefined();
      expect(await subject.hasWorkspace(ref)).toBe(true);
      await subject.driver.remove(ref);
      expect(await subject.hasWorkspace(ref)).toBe(false);
      expect((await subject.driver.known()).map((a) => a.name)).not.toContain(ref.name);
    });

    it('runs a squad member in its home’s workspace with state of its own, and in its own again once it leaves', async () => {
      const squads = new SquadStore({ redis: f.redis, keys: f.keys, maxMembers: 16 });
      const home = await queuedTask('Set up.');
      const guest = await queuedTask('Set up.');
      model.script({ content: [text('home ready')] }, { content: [text('guest ready')] });
      await runner.run(home.job);
      await runner.run(guest.job);
      const squad = `squad-${agents}`;
      const members = [home.ref.name, guest.ref.name];
      expect(await squads.create({ namespace: NS, name: squad, members })).toMatchObject({
        home: home.ref.name,
      });

      /** Gives the guest a task that writes `file`, and runs it. */
      async function write(file: string) {
        const taskId = randomUUID();
        const now = new Date().toISOString();
        const claim = await f.agents.claim({
          namespace: NS,
          name: guest.ref.name,
          taskId,
          instructions: `Write ${file}.`,
          spec: MINIMAL_AGENT_SPEC,
          now,
        });
        expect(claim.outcome).toBe('queued');
        model.script(
          { content: [toolUse('Write', { file_path: file, content: guest.ref.name })] },
          { content: [text('written')] },
        );
        await runner.run({ ...guest.job, taskId, instructions: `Write ${file}.`, enqueuedAt: now });
        expect((await f.agents.get(NS, guest.ref.name))?.taskStatus).toBe('Complete');
      }

      await write('from-the-squad.txt');
      expect(await subject.readWorkspaceFile(home.ref, 'from-the-squad.txt')).toBe(guest.ref.name);
      expect(await subject.readWorkspaceFile(guest.ref, 'from-the-squad.txt')).toBeUndefined();
      const guestState = `.komputer/guests/${guest.ref.name}/session.json`;
      expect(await subject.readWorkspaceFile(home.ref, guestState)).toEqual(expect.any(String));

      expect(
        await squads.change({
          namespace: NS,
          name: squad,
          mode: 'remove',
          members: [guest.ref.name],
        }),
      ).toMatchObject({ members: [home.ref.name] });
      await write('back-home.txt');
      expect(await subject.readWorkspaceFile(guest.ref, 'back-home.txt')).toBe(guest.ref.name);
      expect(await subject.readWorkspaceFile(home.ref, 'back-home.txt')).toBeUndefined();
      // Its own workspace was kept all along.
      expect(await subject.readWorkspaceFile(guest.ref, '.komputer/session.json')).toEqual(
        expect.any(String),
      );
    });

    describe('lifetimes', () => {
      /**
       * Enforces lifetimes as the scheduler that runs the suite's tasks does, or as `scheduler`,
       * another one, to which that one is alive.
       */
      function enforcer(
        defaults: AgentLifetimes,
        driver: LifetimeEnforcerOptions['driver'] = subject.driver,
        scheduler = 'contract',
      ): LifetimeEnforcer {
        return new LifetimeEnforcer({
          agents: f.agents,
          templates: new TemplateStore({ redis: f.redis, keys: f.keys }),
          driver,
          liveness: { alive: async () => true },
          runsTaskOf: (agent, except) => runner.runsTaskOf(agent, except),
          scheduler,
          defaults,
          logger: f.logger,
        });
      }

      /** An agent whose first task has run to its end here, its runtime up. */
      async function idleAgent(spec?: AgentSpec) {
        const { ref, job } = await queuedTask('First.', spec);
        model.script({ content: [text('first done')] });
        await runner.run(job);
        const agent = await f.agents.get(NS, ref.name);
        expect(agent).toMatchObject({ taskStatus: 'Complete', status: 'Running' });
        if (!agent?.completionTime) throw new Error('the task did not end');
        return { ref, agent, endedAt: Date.parse(agent.completionTime) };
      }

      /** Claims the agent's next task, as the gateway does; its job for the runner. */
      async function nextTask(ref: AgentRef, instructions = 'Next.'): Promise<TaskJob> {
        const taskId = randomUUID();
        const now = new Date().toISOString();
        const claim = await f.agents.claim({
          namespace: NS,
          name: ref.name,
          taskId,
          instructions,
          spec: MINIMAL_AGENT_SPEC,
          now,
        });
        expect(claim.outcome).toBe('queued');
        return {
          taskId,
          namespace: NS,
          agentName: ref.name,
          instructions,
          enqueuedAt: now,
          ...(ref.uid ? { agentUid: ref.uid } : {}),
        };
      }

      async function taskTypes(name: string, taskId: string) {
        return (await storedEvents(name)).filter((e) => e.taskId === taskId).map((e) => e.type);
      }

      it("puts an idle agent to sleep when its template's ttl says so; its workspace stays, and its next task wakes it", async () => {
        const templates = new TemplateStore({ redis: f.redis, keys: f.keys });
        await templates.put(
          { scope: 'namespace', namespace: NS },
          'sleepy',
          { ttl: { idleSleepMinutes: 1 } },
          true,
        );
        const { ref, agent, endedAt } = await idleAgent({
          ...MINIMAL_AGENT_SPEC,
          templateRef: 'sleepy',
        });
        // The template's minute wins over the scheduler's shorter default.
        const lifetimes = enforcer({ sleepAfterIdleMs: 10 });
        expect(await lifetimes.enforce([agent], { now: endedAt + 59_999 })).toEqual({
          slept: [],
          deleted: [],
        });
        expect(subject.driver.ready(ref)).toBeDefined();
        // Another scheduler leaves the agent to the live one that holds its runtime.
        const elsewhere = enforcer({}, subject.driver, 'elsewhere');
        expect((await elsewhere.enforce([agent], { now: endedAt + 60_000 })).slept).toEqual([]);
        expect((await f.agents.get(NS, ref.name))?.status).toBe('Running');
        expect(await lifetimes.enforce([agent], { now: endedAt + 60_000 })).toEqual({
          slept: [`${NS}/${ref.name}`],
          deleted: [],
        });
        expect(await f.agents.get(NS, ref.name)).toMatchObject({
          status: 'Sleeping',
          taskStatus: 'Complete',
        });
        expect(subject.driver.ready(ref)).toBeUndefined();
        expect(await subject.hasRuntime(ref)).toBe(false);
        expect(await subject.hasWorkspace(ref)).toBe(true);
        // Once asleep, it is left alone.
        expect((await lifetimes.enforce([agent], { now: endedAt + 120_000 })).slept).toEqual([]);

        const job = await nextTask(ref);
        model.script({ content: [text('woken')] });
        await runner.run(job);
        const events = (await storedEvents(ref.name)).filter((e) => e.taskId === job.taskId);
        expect(events.map((e) => e.type)).toEqual(['task_started', 'text', 'task_completed']);
        // A new runtime, in the workspace that kept the conversation.
        expect(events[0]?.payload).toMatchObject({ resuming_session: true });
        expect(await f.agents.get(NS, ref.name)).toMatchObject({
          status: 'Running',
          taskStatus: 'Complete',
        });
        expect(subject.driver.ready(ref)).toBeDefined();
      });

      it('deletes an agent its lifetime after its last task: record, runtime and workspace', async () => {
        const { ref, agent, endedAt } = await idleAgent();
        const lifetimes = enforcer({ sleepAfterIdleMs: 10, deleteAfterIdleMs: 50 });
        expect(await lifetimes.enforce([agent], { now: endedAt + 50 })).toEqual({
          slept: [],
          deleted: [`${NS}/${ref.name}`],
        });
        expect(await f.agents.get(NS, ref.name)).toBeUndefined();
        expect(await f.redis.exists(f.keys.events(NS, ref.name))).toBe(0);
        expect(subject.driver.ready(ref)).toBeUndefined();
        expect(await subject.hasRuntime(ref)).toBe(false);
        expect(await subject.hasWorkspace(ref)).toBe(false);
        expect((await subject.driver.known()).map((a) => a.name)).not.toContain(ref.name);
      });

      it('keeps an agent whose next task was claimed after its lifetime was read: neither deleted nor put to sleep', async () => {
        const { ref, agent, endedAt } = await idleAgent();
        const runtime = subject.driver.ready(ref);
        // The sweep read the agent idle; the task is claimed before it acts.
        const job = await nextTask(ref);
        const late = endedAt + 3_600_000;
        expect(await enforcer({ deleteAfterIdleMs: 50 }).enforce([agent], { now: late })).toEqual({
          slept: [],
          deleted: [],
        });
        expect(await enforcer({ sleepAfterIdleMs: 10 }).enforce([agent], { now: late })).toEqual({
          slept: [],
          deleted: [],
        });
        expect(await f.agents.get(NS, ref.name)).toMatchObject({
          status: 'Running',
          taskStatus: 'Queued',
          taskId: job.taskId,
        });
        expect(subject.driver.ready(ref)).toBe(runtime);
        model.script({ content: [text('kept')] });
        await runner.run(job);
        expect(await taskTypes(ref.name, job.taskId)).toEqual([
          'task_started',
          'text',
          'task_completed',
        ]);
        expect(subject.driver.ready(ref)).toBe(runtime);
      });

      it('leaves the runtime of a task that took it as the agent went to sleep running, to the task’s end', async () => {
        const { ref, agent, endedAt } = await idleAgent();
        const release = heldTurn();
        let running: Promise<unknown> | undefined;
        let job: TaskJob | undefined;
        // Between the sleep's step in Redis and its stop, the next task is claimed and starts
        // on the runtime, which is still up.
        const racing: LifetimeEnforcerOptions['driver'] = {
          remove: (a) => subject.driver.remove(a),
          async stopUnlessBusy(a, busy) {
            job = await nextTask(ref);
            const requests = model.requestCount;
            running = runner.run(job);
            await model.waitForRequests(requests + 1, 10_000);
            return subject.driver.stopUnlessBusy(a, busy);
          },
        };
        try {
          expect(
            await enforcer({ sleepAfterIdleMs: 10 }, racing).enforce([agent], {
              now: endedAt + 10,
            }),
          ).toEqual({ slept: [`${NS}/${ref.name}`], deleted: [] });
          expect(subject.driver.ready(ref)).toBeDefined();
        } finally {
          release();
        }
        await running;
        if (!job) throw new Error('the racing task was not claimed');
        expect(await taskTypes(ref.name, job.taskId)).toEqual([
          'task_started',
          'text',
          'task_completed',
        ]);
        expect(await f.agents.get(NS, ref.name)).toMatchObject({
          status: 'Running',
          taskStatus: 'Complete',
        });
        expect(subject.driver.ready(ref)).toBeDefined();
      });
    });
  });
}
