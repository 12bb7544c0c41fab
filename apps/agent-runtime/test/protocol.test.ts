import { RUNTIME_MAX_LINE_BYTES } from '@komputer/contracts';
import { apiError, startScriptedAnthropic, text, toolUse } from '@komputer/testing';
import type { ScriptedAnthropic } from '@komputer/testing';
import {
  removeWorkspaces,
  startTestRuntime,
  taskMessage,
  tempWorkspace,
  typesOf,
  until,
} from './harness';
import type { TestRuntime, TestRuntimeOptions } from './harness';

let server: ScriptedAnthropic;
let t: TestRuntime;

async function start(options: Partial<TestRuntimeOptions> = {}): Promise<TestRuntime> {
  t = await startTestRuntime({ server, workspace: await tempWorkspace(), ...options });
  return t;
}

beforeEach(async () => {
  server = await startScriptedAnthropic();
});

afterEach(async () => {
  await t.close();
  await server.close();
  await removeWorkspaces();
});

describe('the runtime protocol', () => {
  it('reports ready first, then heartbeats that name the running task', async () => {
    await start({ config: { KOMPUTER_HEARTBEAT_MS: '100' } });

    expect(await t.log.waitFor((m) => m.type === 'ready', 'ready')).toEqual({
      type: 'ready',
      pid: process.pid,
      resumable: false,
    });
    expect(t.log.messages[0]?.type).toBe('ready');
    await t.log.waitFor(
      (m) => m.type === 'heartbeat' && m.taskId === undefined,
      'an idle heartbeat',
    );

    server.script({ content: [text('slow')], delayMs: 200 });
    const task = taskMessage();
    t.send(task);
    await t.log.waitFor(
      (m) => m.type === 'heartbeat' && m.taskId === task.taskId,
      'a heartbeat during the task',
    );
    expect((await t.log.terminal(task.taskId)).type).toBe('task_completed');
  });

  it('rejects a task while busy with a retryable error, and ignores a second delivery', async () => {
    await start();
    server.script({ content: [text('slow')], delayMs: 300 });
    const running = taskMessage();
    const second = taskMessage();
    t.send(running);
    await server.waitForRequests(1);

    t.send(running);
    t.send(second);
    const rejected = await t.log.terminal(second.taskId);

    expect(rejected).toMatchObject({
      type: 'error',
      payload: { error: `the runtime is busy with task ${running.taskId}`, retryable: true },
    });
    const seqOf = (taskId: string) =>
      t.log.messages.flatMap((m) =>
        m.type === 'event' && m.event.taskId === taskId ? [m.seq] : [],
      );
    expect(seqOf(second.taskId)).toEqual([1]);
    expect((await t.log.terminal(running.taskId)).type).toBe('task_completed');
    expect(typesOf(t.log.events(running.taskId))).toEqual(['text', 'task_completed']);
    expect(seqOf(running.taskId)).toEqual([1, 2]);
    expect(t.logs.some((line) => line.includes('second delivery'))).toBe(true);
    expect(server.requestCount).toBe(1);
  });

  it('logs and skips malformed lines, and keeps working', async () => {
    await start();
    t.send('this is not JSON\n');
    t.send('{"type":"task","taskId":"t-bad"}\n');
    t.send('{"type":"launch-missiles"}\n');
    t.send('\n');
    t.send(`{"type":"shutdown","padding":"${'x'.repeat(RUNTIME_MAX_LINE_BYTES)}"}\n`);
    t.send('[1, 2, 3]\n');
    server.script({ content: [text('still here')] });

    const end = await t.run(taskMessage());

    expect(end.type).toBe('task_completed');
    const warnings = t.logs.filter((line) => line.includes('ignoring an invalid line'));
    expect(warnings).toHaveLength(5);
    expect(warnings.join('\n')).toContain(`line longer than ${RUNTIME_MAX_LINE_BYTES} bytes`);
    expect(t.log.events('t-bad')).toEqual([]);
  });

  it('calls the model with each task’s own token, and never logs it', async () => {
    await start();
    server.script({ content: [text('one')] }, { content: [text('two')] });
    const first = taskMessage({ modelToken: 'first-task-token' });
    const second = taskMessage({ modelToken: 'second-task-token' });

    expect((await t.run(first)).type).toBe('task_completed');
    expect((await t.run(second)).type).toBe('task_completed');

    expect(server.requests.map((r) => r.headers.authorization)).toEqual([
      'Bearer first-task-token',
      'Bearer second-task-token',
    ]);
    expect(t.logs.join('\n')).not.toMatch(/first-task-token|second-task-token/);
  });

  it('takes a new token from a supervisor that adopts its task, and makes a refused call again with it', async () => {
    // A pod's runtime outlives its scheduler, whose model proxy dies with it: the proxy of the
    // scheduler that adopts the task refuses the old token, until `resume` brings a new one.
    await start({ config: { KOMPUTER_SUPERVISOR_WAIT_MS: '10000' } });
    server.script(
      { content: [text('before')] },
      apiError('authentication_error', 'unknown task token'),
      { content: [text('after')] },
    );
    const first = taskMessage({ modelToken: 'token-of-the-first-scheduler' });
    expect((await t.run(first)).type).toBe('task_completed');
    const task = taskMessage({ modelToken: 'token-of-the-first-scheduler' });
    t.send(task);
    await until(
      () => t.logs.some((line) => line.includes('waiting for a new supervisor')),
      'the refused call to wait',
    );
    t.send({
      type: 'resume',
      taskId: task.taskId,
      afterSeq: 0,
      modelToken: 'token-of-the-adopting-scheduler',
    });
    expect(await t.log.terminal(task.taskId)).toMatchObject({
      type: 'task_completed',
      payload: { result: 'after' },
    });
    expect(t.log.events(task.taskId).map((e) => e.type)).toEqual(['text', 'task_completed']);
    expect(server.requests.map((r) => r.headers.authorization)).toEqual([
      'Bearer token-of-the-first-scheduler',
      'Bearer token-of-the-first-scheduler',
      'Bearer token-of-the-adopting-scheduler',
    ]);
    expect(t.logs.join('\n')).not.toMatch(/token-of-the-/);
  });

  it('fails a refused model call at once when it waits for no supervisor, as a local runtime does', async () => {
    await start();
    server.script(apiError('authentication_error', 'unknown task token'));
    const started = Date.now();
    expect(await t.run(taskMessage())).toMatchObject({
      type: 'error',
      payload: { error: expect.stringContaining('401'), retryable: false },
    });
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('refuses a task without a model token', async () => {
    await start();
    const { modelToken: _dropped, ...withoutToken } = taskMessage({ taskId: 't-no-token' });
    t.send(`${JSON.stringify(withoutToken)}\n`);
    await until(
      () => t.logs.some((line) => line.includes('ignoring an invalid line')),
      'the line to be refused',
    );
    expect(t.logs.join('\n')).toContain('modelToken');
    expect(t.log.events('t-no-token')).toEqual([]);
    expect(server.requestCount).toBe(0);
  });

  it('keeps events until they are acknowledged, within its bound', async () => {
    await start({ maxUnackedEvents: 5 });
    server.script(
      { content: [text('one')] },
      { content: [text('two')] },
      { content: [text('3')] },
      { content: [text('4')] },
    );
    const first = taskMessage();
    await t.run(first);
    expect(t.runtime.unackedEvents).toBe(2);

    t.send({ type: 'ack', taskId: first.taskId, seq: 1 });
    await until(() => t.runtime.unackedEvents === 1, 'the ack to trim the buffer');
    t.send({ type: 'ack', taskId: 'another-task', seq: 100 });
    t.send({ type: 'ack', taskId: first.taskId, seq: 2 });
    await until(() => t.runtime.unackedEvents === 0, 'the last ack to empty the buffer');

    // Unacknowledged, events pile up to the bound, and then the task waits: nothing is dropped.
    await t.run(taskMessage());
    await t.run(taskMessage());
    const third = taskMessage();
    t.send(third);
    await until(() => t.logs.some((line) => line.includes('pausing the task')), 'the pause');
    expect(t.runtime.unackedEvents).toBe(5);
    expect(typesOf(t.log.events(third.taskId))).toEqual(['text']);
    t.send({ type: 'ack', taskId: third.taskId, seq: 1 });
    expect((await t.log.terminal(third.taskId)).type).toBe('task_completed');
    expect(t.runtime.unackedEvents).toBe(1);
  });

  it('pauses a task while the supervisor is behind: the model stream is read no further', async () => {
    await start({ maxUnackedEvents: 3, config: { KOMPUTER_HEARTBEAT_MS: '100' } });
    const blocks = ['one', 'two', 'three', 'four', 'five', 'six'];
    server.script({ content: blocks.map((block) => text(block)) });
    const task = taskMessage();
    t.send(task);
    await until(() => t.logs.some((line) => line.includes('pausing the task')), 'the pause');
    // Heartbeats go on while the task waits, and no further event comes.
    const beats = t.log.messages.filter((m) => m.type === 'heartbeat').length;
    await until(
      () => t.log.messages.filter((m) => m.type === 'heartbeat').length >= beats + 3,
      'three more heartbeats',
    );
    expect(
      t.log.events(task.taskId).map((e) => (e.payload as { content: string }).content),
    ).toEqual(['one', 'two', 'three']);
    // Each acknowledgement lets the task go on, until it ends with every event, in order.
    for (let seq = 1; seq <= blocks.length; seq++) {
      await until(() => t.log.events(task.taskId).length >= seq, `event ${seq}`);
      t.send({ type: 'ack', taskId: task.taskId, seq });
    }
    const end = await t.log.terminal(task.taskId);
    expect(end.type).toBe('task_completed');
    expect(
      t.log
        .events(task.taskId)
        .slice(0, -1)
        .map((e) => e.type),
    ).toEqual(blocks.map(() => 'text'));
  });

  it('asks its supervisor, matching each answer to its request by id', async () => {
    await start();
    const first = t.runtime.request('create_agent', { name: 'worker' }, 5_000);
    const second = t.runtime.request('create_agent', { name: 'other' }, 5_000);
    const requests = await until(
      () => t.log.messages.filter((m) => m.type === 'request').length === 2,
      'two requests',
    ).then(() => t.log.messages.flatMap((m) => (m.type === 'request' ? [m] : [])));
    expect(requests.map((r) => [r.method, r.params])).toEqual([
      ['create_agent', { name: 'worker' }],
      ['create_agent', { name: 'other' }],
    ]);
    // Answered out of order, each answer reaches its own request.
    t.send({
      type: 'response',
      id: requests[1]?.id ?? '',
      error: { code: 'AGENT_BUSY', message: 'busy' },
    });
    t.send({ type: 'response', id: requests[0]?.id ?? '', result: { created: true } });
    expect(await first).toEqual({ created: true });
    await expect(second).rejects.toMatchObject({ code: 'AGENT_BUSY', message: 'busy' });
    await expect(t.runtime.request('slow', undefined, 20)).rejects.toMatchObject({
      code: 'TIMEOUT',
    });
  });

  it('answers a supervisor that attaches: where it stands, then every event not acknowledged', async () => {
    await start();
    server.script({ content: [text('one'), text('two')] });
    const task = taskMessage();
    await t.run(task);
    t.send({ type: 'ack', taskId: task.taskId, seq: 1 });
    const seen = t.log.messages.length;
    t.send({ type: 'resume', taskId: task.taskId, afterSeq: 1 });
    await until(() => t.log.messages.length >= seen + 3, 'the answer to resume');
    const answer = t.log.messages.slice(seen);
    expect(answer[0]).toMatchObject({ type: 'ready', resumable: true });
    expect(answer[0]).not.toHaveProperty('taskId');
    expect(
      answer.slice(1).map((m) => (m.type === 'event' ? [m.seq, m.event.type] : m.type)),
    ).toEqual([
      [2, 'text'],
      [3, 'task_completed'],
    ]);
    t.send({ type: 'request', id: 'status-1', method: 'status' });
    const status = await t.log.waitFor(
      (m) => m.type === 'response' && m.id === 'status-1',
      'the status',
    );
    expect(status).toMatchObject({ result: { unacknowledged: 2 } });
  });

  it('stops when its input ends: the supervisor is gone', async () => {
    await start();
    t.endInput();
    await t.runtime.done;
    expect(t.logs.some((line) => line.includes('the supervisor closed the input'))).toBe(true);
  });

  it('answers a task that arrives during shutdown with a retryable error', async () => {
    await start();
    server.script({
      content: [toolUse('Bash', { command: 'sleep 10' })],
    });
    const running = taskMessage();
    t.send(running);
    await t.log.waitFor((m) => m.type === 'event' && m.event.type === 'tool_call', 'the tool call');
    const stopping = t.runtime.shutdown('test');
    const late = taskMessage();
    t.send(late);
    await stopping;

    expect((await t.log.terminal(late.taskId)).payload).toEqual({
      error: 'the runtime is shutting down',
      retryable: true,
    });
    expect((await t.log.terminal(running.taskId)).type).toBe('task_cancelled');
  });
});
