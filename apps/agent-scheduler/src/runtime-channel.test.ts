import { PassThrough } from 'node:stream';
import type { RuntimeMessage, SupervisorMessage } from '@komputer/contracts';
import { createLogger } from '@komputer/service-kit';
import { RuntimeChannel } from './runtime-channel';

const logger = createLogger({ name: 'test', level: 'silent' });

/** A channel over in-memory streams, with the runtime's end of them. */
function setup(heartbeatTimeoutMs = 60_000, resuming = false) {
  const fromRuntime = new PassThrough();
  const toRuntime = new PassThrough();
  const sent: SupervisorMessage[] = [];
  toRuntime.on('data', (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n').filter(Boolean)) sent.push(JSON.parse(line));
  });
  const silences: string[] = [];
  const channel = new RuntimeChannel({
    input: fromRuntime,
    output: toRuntime,
    heartbeatTimeoutMs,
    onSilent: (reason) => silences.push(reason),
    resuming,
    logger,
  });
  const received: RuntimeMessage[] = [];
  channel.onMessage((message) => received.push(message));
  const say = (message: object | string) =>
    fromRuntime.write(typeof message === 'string' ? message : `${JSON.stringify(message)}\n`);
  return { channel, say, sent, received, silences, fromRuntime, toRuntime };
}

const event = (taskId: string, seq: number) => ({
  type: 'event',
  seq,
  event: {
    type: 'text',
    taskId,
    timestamp: new Date().toISOString(),
    payload: { content: `${seq}` },
  },
});

const tick = () => new Promise((resolve) => setImmediate(resolve));

/** Resolves once `check` holds; the streams deliver on later turns of the event loop. */
async function until(check: () => boolean): Promise<void> {
  for (let turn = 0; !check(); turn++) {
    if (turn > 1_000) throw new Error('the condition never held');
    await tick();
  }
}

describe('RuntimeChannel', () => {
  it('tracks ready, and skips lines that are not valid messages', async () => {
    const t = setup();
    t.say('not json\n');
    t.say({ type: 'ready', pid: 1, resumable: true });
    t.say({ type: 'event', seq: 'x' });
    await tick();
    expect(t.channel.ready).toBe(true);
    expect(t.channel.resumable).toBe(true);
    expect(t.received.map((m) => m.type)).toEqual(['ready']);
  });

  it('delivers each event of a task once, in order, however often it comes', async () => {
    const t = setup();
    for (const seq of [1, 2, 1, 3, 2, 3, 4]) t.say(event('a', seq));
    t.say(event('b', 1));
    t.say(event('a', 4));
    await tick();
    expect(
      t.received.map((m) => (m.type === 'event' ? `${m.event.taskId}${m.seq}` : m.type)),
    ).toEqual(['a1', 'a2', 'a3', 'a4', 'b1']);
  });

  it('attached to a running runtime, delivers no event before its ready, which sends them again', async () => {
    const t = setup(60_000, true);
    // Event 3 was emitted live before the runtime read `resume {afterSeq: 1}`; after its
    // `ready` it sends again what it keeps after event 1, then goes on.
    t.say(event('a', 3));
    t.say({ type: 'heartbeat', taskId: 'a' });
    t.say({ type: 'ready', pid: 1, resumable: true, taskId: 'a' });
    for (const seq of [2, 3, 4]) t.say(event('a', seq));
    await tick();
    expect(
      t.received.map((m) => (m.type === 'event' ? `${m.event.taskId}${m.seq}` : m.type)),
    ).toEqual(['heartbeat', 'ready', 'a2', 'a3', 'a4']);
  });

  it('asks the runtime and matches its answer by id; answers the runtime’s requests', async () => {
    const t = setup();
    const asked = t.channel.request('status', { verbose: true }, 5_000);
    await tick();
    const request = t.sent.find((m) => m.type === 'request');
    expect(request).toMatchObject({ method: 'status', params: { verbose: true } });
    t.say({ type: 'response', id: 'someone-else', result: 'wrong' });
    t.say({
      type: 'response',
      id: request?.type === 'request' ? request.id : '',
      result: { ok: 1 },
    });
    expect(await asked).toEqual({ ok: 1 });

    t.channel.handle('create_agent', (params) => ({ created: params }));
    t.say({ type: 'request', id: 'r1', method: 'create_agent', params: { name: 'w' } });
    t.say({ type: 'request', id: 'r2', method: 'nothing' });
    await until(() => t.sent.filter((m) => m.type === 'response').length === 2);
    // Each answer goes out when it is ready, whatever the order of the requests.
    const answers = t.sent.filter((m) => m.type === 'response');
    expect(
      answers.sort((a, b) =>
        a.type === 'response' && b.type === 'response' ? a.id.localeCompare(b.id) : 0,
      ),
    ).toEqual([
      { type: 'response', id: 'r1', result: { created: { name: 'w' } } },
      {
        type: 'response',
        id: 'r2',
        error: { code: 'UNKNOWN_METHOD', message: 'no method "nothing"' },
      },
    ]);
  });

  it('fails a request that gets no answer in time, and those waiting when it detaches', async () => {
    const t = setup();
    await expect(t.channel.request('slow', undefined, 20)).rejects.toMatchObject({
      code: 'TIMEOUT',
    });
    const waiting = t.channel.request('slow', undefined, 5_000);
    t.channel.detach('replaced');
    await expect(waiting).rejects.toMatchObject({ code: 'CHANNEL_CLOSED', message: 'replaced' });
  });

  it('stops reading once detached, and leaves the streams to the next channel', async () => {
    const t = setup();
    t.channel.detach('replaced');
    const next = new RuntimeChannel({
      input: t.fromRuntime,
      output: t.toRuntime,
      heartbeatTimeoutMs: 60_000,
      onSilent: () => undefined,
      logger,
    });
    const seen: RuntimeMessage[] = [];
    next.onMessage((message) => seen.push(message));
    t.say(event('a', 1));
    await tick();
    expect(t.received).toEqual([]);
    expect(seen).toHaveLength(1);
    expect(next.send({ type: 'shutdown' })).toBe(true);
    next.detach('done');
  });

  it('reports a runtime that falls silent once it has spoken', async () => {
    const t = setup(50);
    t.say({ type: 'heartbeat' });
    const spokeAt = Date.now();
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no silence reported')), 5_000);
      const check = setInterval(() => {
        if (t.silences.length === 0) return;
        clearInterval(check);
        clearTimeout(timer);
        resolve();
      }, 5);
    });
    expect(Date.now() - spokeAt).toBeGreaterThanOrEqual(45);
    expect(t.silences).toEqual(['the agent runtime sent no heartbeat for 50 ms']);
    t.channel.detach('done');
  });
});
