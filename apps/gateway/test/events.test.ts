import { once } from 'node:events';
import { get } from 'node:http';
import type { IncomingMessage } from 'node:http';
import type { AgentEvent, CloseReason } from '@komputer/contracts';
import { RELAY_CLOSE_CODES } from '@komputer/contracts';
import { errorOf, refusedUpgrade } from '@komputer/testing';
import { WebSocket } from 'ws';
import { call, startTestGateway } from './harness';
import type { TestGateway } from './harness';

/** The events a socket receives until `done` holds, and how it closed if it did. */
function collect(ws: WebSocket, done: (events: AgentEvent[]) => boolean): Promise<AgentEvent[]> {
  const events: AgentEvent[] = [];
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`timed out after ${events.length} events`)),
      10_000,
    );
    ws.on('message', (data) => {
      events.push(JSON.parse(data.toString()) as AgentEvent);
      if (done(events)) {
        clearTimeout(timer);
        resolve(events);
      }
    });
    ws.once('close', (code) => reject(new Error(`closed with ${code}`)));
  });
}

function open(url: string): Promise<WebSocket> {
  const ws = new WebSocket(url);
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

function closed(ws: WebSocket): Promise<{ code: number; reason: CloseReason }> {
  return new Promise((resolve) =>
    ws.once('close', (code, reason) => resolve({ code, reason: JSON.parse(reason.toString()) })),
  );
}

let t: TestGateway;
let ws: string;
beforeAll(async () => {
  t = await startTestGateway();
  ws = t.api.replace('http', 'ws');
});
afterAll(() => t.close());

it('a cancelled task’s event reaches WebSocket, many-agent and SSE clients on the gateway port', async () => {
  const created = await call('POST', `${t.api}/agents`, { name: 'watched', instructions: 'go' });
  expect(created.status).toBe(201);
  const single = await open(`${ws}/agents/watched/ws`);
  const many = await open(`${ws}/events/ws?match=watch*`);
  const untilCancelled = (events: AgentEvent[]) => events.some((e) => e.type === 'task_cancelled');
  const received = [collect(single, untilCancelled), collect(many, untilCancelled)];
  // The gateway itself ends a queued task with task_cancelled.
  expect((await call('POST', `${t.api}/agents/watched/cancel`)).body).toMatchObject({
    status: 'cancelled',
  });
  for (const events of await Promise.all(received)) {
    expect(events).toEqual([
      expect.objectContaining({
        agentName: 'watched',
        namespace: 'default',
        taskId: created.body.taskId,
        type: 'task_cancelled',
        payload: { reason: expect.any(String) },
      }),
    ]);
  }
  const sse = await new Promise<IncomingMessage>((resolve, reject) =>
    get(
      `${t.api}/agents/watched/events/stream`,
      { headers: { 'Last-Event-ID': '0-0' }, agent: false },
      resolve,
    ).once('error', reject),
  );
  expect(sse.headers['content-type']).toMatch(/^text\/event-stream/);
  const [chunk] = (await once(sse, 'data')) as [Buffer];
  expect(chunk.toString()).toMatch(/^id: \d+-\d+\ndata: \{.*"type":"task_cancelled".*\}\n\n$/);
  sse.destroy();
  single.close();
  many.close();
});

it('a plain GET on the WebSocket route answers 426, and an unknown agent 404', async () => {
  await call('POST', `${t.api}/agents`, { name: 'plain', instructions: 'go' });
  expect((await call('GET', `${t.api}/agents/plain/ws`)).status).toBe(426);
  expect((await call('GET', `${t.api}/agents/nobody/ws`)).body.code).toBe('AGENT_NOT_FOUND');
  expect((await call('POST', `${t.api}/agents/plain/ws`)).status).toBe(405);
});

it('an upgrade on another path gets a 404 with the error envelope', async () => {
  const res = await refusedUpgrade(`${t.url}/api/v1/agents`);
  expect(res.status).toBe(404);
  expect(errorOf(res).code).toBe('NOT_FOUND');
});

it('closing the gateway closes its event sockets with 1001', async () => {
  const own = await startTestGateway();
  await call('POST', `${own.api}/agents`, { name: 'last', instructions: 'go' });
  const socket = await open(`${own.api.replace('http', 'ws')}/agents/last/ws`);
  const ending = closed(socket);
  await own.close();
  expect(await ending).toMatchObject({
    code: RELAY_CLOSE_CODES.GOING_AWAY,
    reason: { code: 'SHUTTING_DOWN' },
  });
});
