import { createServer } from 'node:http';
import type { Server } from 'node:http';
import {
  BadRequestError,
  ConflictError,
  Komputer,
  NotFoundError,
  TaskCancelledError,
  TaskFailedError,
} from '@komputer/sdk';
import type { AgentEvent, Fetch } from '@komputer/sdk';
import { listenOnRandomPort, text, thinking, toolUse } from '@komputer/testing';
import type { ScriptedAnthropic, ScriptedTurn } from '@komputer/testing';
import { startE2eStack } from './e2e-stack';
import type { E2eStack } from './e2e-stack';

let e2e: E2eStack;
let model: ScriptedAnthropic;
let client: Komputer;

beforeAll(async () => {
  e2e = await startE2eStack();
  model = e2e.model;
  client = new Komputer({ baseURL: e2e.stack.url });
});
afterAll(() => e2e?.close());

/** A promise and the function that settles it: a gate that a scripted turn waits behind. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { open, opened };
}

/** A turn that waits for `opened` before it answers with `turn`. */
const after =
  (opened: Promise<void>, turn: ScriptedTurn): ScriptedTurn =>
  async () => {
    await opened;
    return turn;
  };

describe('@komputer/sdk against the whole stack', () => {
  afterEach(() => expect(model.remainingTurns).toBe(0));

  it('run() creates the agent, follows the task and resolves with its result', async () => {
    model.script(
      { content: [text('Looking.'), toolUse('Bash', { command: 'echo hi > hi.txt' })] },
      { content: [text('Wrote hi.txt.')] },
    );
    const seen: AgentEvent[] = [];
    const result = await client.run({
      name: 'sdk-runner',
      instructions: 'Write hi.txt',
      onEvent: (event) => seen.push(event),
    });
    expect(result.text).toBe('Wrote hi.txt.');
    expect(result.costUSD).toBeGreaterThan(0);
    expect(result.turns).toBe(2);
    expect(result.sessionId).toMatch(/.+/);
    expect(result.stopReason).toBe('end_turn');
    expect(result.usage.output_tokens).toBeGreaterThan(0);
    expect(result.agent.created).toBe(true);
    expect(result.events.map((e) => e.type)).toEqual([
      'task_started',
      'text',
      'tool_call',
      'tool_result',
      'text',
      'task_completed',
    ]);
    expect(seen).toEqual(result.events);
    expect(result.events.every((e) => e.taskId === result.taskId)).toBe(true);
    const stored = await e2e.eventsOf('sdk-runner', result.taskId);
    expect(result.events.map((e) => e.id)).toEqual(stored.map((e) => e.id));

    // The next task continues the conversation and gets only its own events.
    model.script({ content: [text('Still here.')] });
    const next = await client.run({ name: 'sdk-runner', instructions: 'Again' });
    expect(next.agent.created).toBe(false);
    expect(next.text).toBe('Still here.');
    expect(next.events[0]).toMatchObject({
      type: 'task_started',
      payload: { resuming_session: true },
    });
    expect(next.events.map((e) => e.taskId)).toEqual(next.events.map(() => next.taskId));
  });

  it('run() follows the task in the namespace that the body or the client names', async () => {
    model.script({ content: [text('In team-a.')] }, { content: [text('In team-b.')] });
    const inBody = await client.run({ name: 'sdk-ns', namespace: 'team-a', instructions: 'Hi' });
    expect(inBody.text).toBe('In team-a.');
    expect(inBody.events.every((e) => e.namespace === 'team-a')).toBe(true);
    const teamB = new Komputer({ baseURL: e2e.stack.url, namespace: 'team-b' });
    expect((await teamB.run({ name: 'sdk-ns', instructions: 'Hi' })).text).toBe('In team-b.');
    expect((await teamB.agents.get('sdk-ns')).namespace).toBe('team-b');
    expect((await client.agents.list({ namespace: 'team-a' })).map((a) => a.name)).toEqual([
      'sdk-ns',
    ]);
    await expect(client.agents.get('sdk-ns')).rejects.toBeInstanceOf(NotFoundError);
  });

  it('run() throws TaskFailedError with the error event when the task fails', async () => {
    model.script({ content: [toolUse('Bash', { command: 'true' })] });
    const failure = await client
      .run({ name: 'sdk-failer', instructions: 'Keep going', limits: { maxTurns: 1 } })
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(TaskFailedError);
    const failed = failure as TaskFailedError;
    expect(failed.event.type).toBe('error');
    expect(failed.event.payload.error).toContain('limit of 1 turn');
    expect(failed.events.at(-1)).toEqual(failed.event);
  });

  it('run() throws TaskCancelledError when the task is cancelled', async () => {
    model.script({ content: [toolUse('Bash', { command: 'sleep 30' })] });
    const failure = await client
      .run({
        name: 'sdk-cancelled',
        instructions: 'Wait',
        onEvent: (event) => {
          if (event.type === 'tool_call') void client.agents.cancel('sdk-cancelled');
        },
      })
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(TaskCancelledError);
    const cancelled = failure as TaskCancelledError;
    expect(cancelled.event.type).toBe('task_cancelled');
    expect(cancelled.events.slice(0, 2).map((e) => e.type)).toEqual(['task_started', 'tool_call']);
    expect(cancelled.events.at(-1)).toEqual(cancelled.event);
  });

  it('watch() delivers every event exactly once across a dropped connection', async () => {
    const name = 'sdk-watcher';
    const firstTurn = gate();
    model.script(
      after(firstTurn.opened, {
        content: [text('Step one.'), toolUse('Bash', { command: 'echo one' })],
      }),
      { content: [text('Step two.')] },
    );

    // The first stream connection is cut once its first event has arrived; the second one is
    // held back until the task has ended, so that every later event happens while no
    // connection is open and must come from the resume.
    let streams = 0;
    const firstDropped = gate();
    const taskEnded = gate();
    const cursors: (string | null)[] = [];
    const dropping: Fetch = async (request, init) => {
      if (!request.url.includes('/events/stream')) return fetch(request, init);
      streams += 1;
      cursors.push(new URL(request.url).searchParams.get('after'));
      if (streams > 1) {
        await taskEnded.opened;
        return fetch(request, init);
      }
      const cut = new AbortController();
      init?.signal?.addEventListener('abort', () => cut.abort());
      const response = await fetch(request, { ...init, signal: cut.signal });
      const reader = (response.body as ReadableStream<Uint8Array>).getReader();
      const body = new ReadableStream<Uint8Array>({
        async pull(controller) {
          try {
            const { done, value } = await reader.read();
            if (done) return controller.close();
            controller.enqueue(value);
            if (/^id: /m.test(new TextDecoder().decode(value))) {
              cut.abort();
              firstDropped.open();
            }
          } catch (error) {
            controller.error(error);
          }
        },
      });
      return new Response(body, { status: response.status, headers: response.headers });
    };
    const watcher = new Komputer({ baseURL: e2e.stack.url, fetch: dropping });

    const created = await client.agents.create({ name, instructions: 'Two steps' });
    const delivered: AgentEvent[] = [];
    const watching = (async () => {
      for await (const event of watcher.agents.watch(name, { after: '0-0' })) {
        delivered.push(event);
        if (event.type === 'task_completed') break;
      }
    })();

    await firstDropped.opened;
    firstTurn.open();
    const stored = await e2e.eventsOf(name, created.taskId);
    taskEnded.open();
    await watching;

    expect(streams).toBe(2);
    expect(cursors[0]).toBe('0-0');
    expect(cursors[1]).toBe(delivered[0]?.id);
    expect(delivered.map((e) => [e.id, e.type, e.payload])).toEqual(
      stored.map((e) => [e.id, e.type, e.payload]),
    );
    expect(new Set(delivered.map((e) => e.id)).size).toBe(delivered.length);
  });

  it('throws typed errors for 400, 404 and 409, each with the request id', async () => {
    const invalid = await client.agents
      .create({ name: 'Not_A_Name', instructions: 'x' })
      .catch((error: unknown) => error);
    expect(invalid).toBeInstanceOf(BadRequestError);
    expect(invalid).toMatchObject({ status: 400, code: 'VALIDATION_FAILED' });
    expect((invalid as BadRequestError).requestId).toMatch(/^req_/);
    expect((invalid as BadRequestError).body?.details?.issues?.[0]?.path).toBe('body.name');

    const missing = await client.agents.get('no-such-agent').catch((error: unknown) => error);
    expect(missing).toBeInstanceOf(NotFoundError);
    expect(missing).toMatchObject({ status: 404, code: 'AGENT_NOT_FOUND' });
    const notFound = missing as NotFoundError;
    expect(notFound.requestId).toBe(notFound.headers.get('x-request-id'));

    model.script({ content: [text('Idle now.')] });
    await client.run({ name: 'sdk-idle', instructions: 'Rest' });
    const conflict = await client.agents.cancel('sdk-idle').catch((error: unknown) => error);
    expect(conflict).toBeInstanceOf(ConflictError);
    expect(conflict).toMatchObject({ status: 409, code: 'NO_ACTIVE_TASK' });
    expect((conflict as ConflictError).message).toContain('NO_ACTIVE_TASK');
  });

  it('compacts a running task: Compacting meanwhile, a compaction event, the next task from the summary', async () => {
    const held = gate();
    const summary = 'I did part one of the green plan.';
    let statusWhileSummarising: string | undefined;
    model.script(after(held.opened, { content: [text('Part one done.')] }), async () => {
      statusWhileSummarising = (await client.agents.get('sdk-compact')).taskStatus;
      return { content: [text(summary)] };
    });
    const requests = model.requestCount;
    const first = client.run({
      name: 'sdk-compact',
      instructions: 'Do part one of the green plan.',
    });
    await model.waitForRequests(requests + 1, 15_000);

    const asked = await client.agents.compact('sdk-compact', { instructions: 'Keep the colour.' });
    held.open();
    const result = await first;

    expect(asked).toEqual({
      status: 'compacting',
      name: 'sdk-compact',
      namespace: 'default',
      taskId: result.taskId,
    });
    expect(statusWhileSummarising).toBe('Compacting');
    expect(result.events.map((e) => e.type)).toEqual([
      'task_started',
      'text',
      'compaction',
      'task_completed',
    ]);
    expect(result.events[2]).toMatchObject({
      payload: { summary, trigger: 'manual', instructions: 'Keep the colour.' },
    });
    expect((await client.agents.get('sdk-compact')).taskStatus).toBe('Complete');

    model.script({ content: [text('Green.')] });
    const next = await client.run({ name: 'sdk-compact', instructions: 'Which colour?' });
    const sent = JSON.stringify(model.requests.at(-1)?.body.messages);
    expect(sent).toContain(summary);
    expect(sent).not.toContain('Do part one of the green plan.');
    expect(next.sessionId).toBe(result.sessionId);

    const idle = await client.agents.compact('sdk-compact').catch((error: unknown) => error);
    expect(idle).toBeInstanceOf(ConflictError);
    expect(idle).toMatchObject({ status: 409, code: 'NO_ACTIVE_TASK' });
  });

  it('thinks with the budget the agent asks for, and reports the thinking', async () => {
    model.script({ content: [thinking('Two and two make four.'), text('4')] });
    const result = await client.run({
      name: 'sdk-thinker',
      instructions: 'What is 2 + 2?',
      thinking: { budgetTokens: 2048 },
    });
    expect(model.requests.at(-1)?.body.thinking).toEqual({ type: 'enabled', budget_tokens: 2048 });
    expect(result.events.map((e) => e.type)).toEqual([
      'task_started',
      'thinking',
      'text',
      'task_completed',
    ]);
    expect(result.events[1]?.payload).toEqual({ content: 'Two and two make four.' });
    expect((await client.agents.get('sdk-thinker')).thinking).toEqual({ budgetTokens: 2048 });
  });

  it('steers a busy agent: run() follows the busy task to its end; steer: false refuses', async () => {
    const held = gate();
    model.script(after(held.opened, { content: [text('First part.')] }), {
      content: [text('Both parts done.')],
    });
    const requests = model.requestCount;
    const first = client.run({ name: 'sdk-steered', instructions: 'Do the first part.' });
    await model.waitForRequests(requests + 1, 15_000);

    const refused = await client.agents
      .create({ name: 'sdk-steered', instructions: 'Not now.' }, { steer: false })
      .catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ConflictError);
    expect(refused).toMatchObject({ status: 409, code: 'AGENT_BUSY' });

    // The model's first answer waits until the steer is accepted: its POST is answered.
    const accepted = gate();
    const watched: Fetch = async (request, init) => {
      const response = await fetch(request, init);
      if (request.method === 'POST' && new URL(request.url).pathname === '/api/v1/agents') {
        accepted.open();
      }
      return response;
    };
    const seen: AgentEvent[] = [];
    const steered = new Komputer({ baseURL: e2e.stack.url, fetch: watched }).run({
      name: 'sdk-steered',
      instructions: 'And the second part.',
      onEvent: (event) => seen.push(event),
    });
    await accepted.opened;
    held.open();
    const [one, two] = await Promise.all([first, steered]);
    expect(two.agent).toMatchObject({ steered: true, steerIndex: 1, taskId: one.taskId });
    expect(two.taskId).toBe(one.taskId);
    expect(two.text).toBe('Both parts done.');
    expect(seen.filter((e) => e.type === 'user_message').map((e) => e.payload)).toEqual([
      { content: 'And the second part.', steer_index: 1 },
    ]);
  });

  it('retries a 503, obeying its Retry-After', async () => {
    // A real HTTP server in front of the stack: it answers the first request with 503, then
    // passes every request through.
    let requests = 0;
    const proxy: Server = createServer((req, res) => {
      requests += 1;
      if (requests === 1) {
        res.writeHead(503, { 'content-type': 'application/json', 'retry-after': '1' });
        res.end(
          JSON.stringify({
            error: 'Redis is unavailable',
            code: 'REDIS_UNAVAILABLE',
            type: 'unavailable_error',
            requestId: 'req_proxy',
            retryable: true,
          }),
        );
        return;
      }
      void fetch(`${e2e.stack.url}${req.url}`).then(async (upstream) => {
        res.writeHead(upstream.status, { 'content-type': 'application/json' });
        res.end(await upstream.text());
      });
    });
    const { url } = await listenOnRandomPort(proxy);
    try {
      const started = Date.now();
      const agents = await new Komputer({ baseURL: url }).agents.list();
      expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
      expect(requests).toBe(2);
      expect(agents.map((a) => a.name)).toContain('sdk-runner');
    } finally {
      await new Promise((resolve) => proxy.close(resolve));
    }
  });
});
