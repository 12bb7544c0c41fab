import { request } from 'node:http';
import Anthropic, { APIError } from '@anthropic-ai/sdk';
import type { RawMessageStreamEvent } from '@anthropic-ai/sdk/resources/messages';
import { createLogger } from '@komputer/service-kit';
import {
  collectLogLines,
  eventually,
  findFreePort,
  startScriptedAnthropic,
  text,
  thinking,
  toolUse,
} from '@komputer/testing';
import type { ScriptedAnthropic, ScriptedTurn } from '@komputer/testing';
import { ModelProxy } from '../src/model-proxy';
import type { ModelProxyOptions } from '../src/model-proxy';
import { generateSecretKey, parseSecretKey, TaskTokenSigner } from '@komputer/connectors';
import { TaskTokens } from '../src/task-tokens';

/** The real model API key: only the proxy holds it. */
const KEY = 'sk-ant-real-key-held-by-the-scheduler';
const MODEL = 'claude-sonnet-4-6';
const TASK = { namespace: 'default', agent: 'agent-1', uid: '', taskId: 'task-1' };

let model: ScriptedAnthropic;
let tokens: TaskTokens;
let proxy: ModelProxy;
const logs = collectLogLines();
const proxies: ModelProxy[] = [];

/** A proxy in front of `upstream` (the scripted model by default), listening. */
async function startProxy(options: Partial<ModelProxyOptions> = {}): Promise<ModelProxy> {
  const started = new ModelProxy({
    host: '127.0.0.1',
    port: 0,
    upstream: model.url,
    apiKey: KEY,
    tokens,
    logger: createLogger({ name: 'test', level: 'debug', destination: logs.destination }),
    ...options,
  });
  proxies.push(started);
  await started.listen();
  return started;
}

/** The real SDK, as a runtime builds it: the proxy is its endpoint, the token its key. */
function client(apiKey: string, baseURL = proxy.url): Anthropic {
  return new Anthropic({ apiKey, baseURL, maxRetries: 0 });
}

const params = (content = 'Hello.') => ({
  model: MODEL,
  max_tokens: 1024,
  messages: [{ role: 'user' as const, content }],
});

/** Every event of a streamed call, and the response's headers. */
async function streamed(
  sdk: Anthropic,
): Promise<{ events: RawMessageStreamEvent[]; headers: Headers }> {
  const { data, response } = await sdk.messages
    .create({ ...params(), stream: true })
    .withResponse();
  const events: RawMessageStreamEvent[] = [];
  for await (const event of data) events.push(event);
  return { events, headers: response.headers };
}

/** A slow turn: many small deltas, `delayMs` apart. */
const slowTurn = (delayMs = 100): ScriptedTurn => ({
  content: [text('a long answer that streams slowly, a few characters at a time')],
  chunkSize: 2,
  delayMs,
});

/** The error a call with the SDK failed with. */
async function failureOf(call: Promise<unknown>): Promise<unknown> {
  try {
    await call;
  } catch (err) {
    return err;
  }
  throw new Error('the call succeeded');
}

/** A raw request to the proxy: its status and body. */
async function raw(
  path: string,
  init: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<{ status: number; body: string }> {
  const res = await fetch(`${proxy.url}${path}`, { method: 'POST', ...init });
  return { status: res.status, body: await res.text() };
}

beforeAll(async () => {
  model = await startScriptedAnthropic();
});
beforeEach(async () => {
  tokens = new TaskTokens(new TaskTokenSigner(parseSecretKey(generateSecretKey())));
  proxy = await startProxy();
});
afterEach(async () => {
  tokens.close();
  await Promise.all(proxies.splice(0).map((p) => p.close()));
  expect(model.remainingTurns).toBe(0);
});
afterAll(() => model.close());

describe('the model proxy', () => {
  it('streams a call through unchanged: the same events as a direct call, as they come', async () => {
    const turn: ScriptedTurn = {
      content: [
        thinking('Let me think.', 'sig-1'),
        text('Hello there.'),
        toolUse('Bash', { command: 'ls' }, 'toolu_1'),
      ],
    };
    model.script(turn, turn);
    const direct = await streamed(client(KEY, model.url));
    const token = tokens.issue(TASK, 60_000);
    const proxied = await streamed(client(token));

    // Only the message's id, which the model makes up for each call, differs.
    const withoutId = (events: RawMessageStreamEvent[]) =>
      events.map((e) =>
        e.type === 'message_start' ? { ...e, message: { ...e.message, id: '' } } : e,
      );
    expect(proxied.events.length).toBeGreaterThan(10);
    expect(withoutId(proxied.events)).toEqual(withoutId(direct.events));
    expect(proxied.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(proxied.headers.get('request-id')).toMatch(/^req_/);

    // Not buffered: the first delta arrives while the model is still streaming.
    model.script(slowTurn(20));
    const stream = client(token).messages.stream(params());
    let streamingAtFirstDelta: number | undefined;
    for await (const event of stream) {
      if (event.type === 'content_block_delta') {
        streamingAtFirstDelta ??= model.activeStreams;
      }
    }
    expect(streamingAtFirstDelta).toBe(1);
    expect(await stream.finalText()).toBe(
      'a long answer that streams slowly, a few characters at a time',
    );
  });

  it('answers a call that is not streamed, and forwards count_tokens', async () => {
    const token = tokens.issue(TASK, 60_000);
    model.script({ content: [text('Plain.')] });
    const message = await client(token).messages.create(params());
    expect(message.content).toEqual([{ type: 'text', text: 'Plain.', citations: null }]);

    // The scripted model serves no count_tokens: its own 404 comes back, so the call got there.
    const counted = await raw('/v1/messages/count_tokens', {
      headers: { 'x-api-key': token, 'content-type': 'application/json' },
      body: JSON.stringify(params()),
    });
    expect(counted.status).toBe(404);
    expect(counted.body).toContain('POST /v1/messages/count_tokens is not served here');
  });

  it('sends the real key upstream, the way the caller sent its token, and never the token', async () => {
    const token = tokens.issue(TASK, 60_000);
    model.script({ content: [text('one')] }, { content: [text('two')] });
    const before = model.requestCount;
    await client(token).messages.create(params(), {
      headers: { 'anthropic-beta': 'some-beta-2025-01-01' },
    });
    const answer = await raw('/v1/messages', {
      headers: {
        'x-api-key': token,
        'content-type': 'application/json',
        'anthropic-version': '2023-06-01',
        'x-other': 'not passed on',
      },
      body: JSON.stringify(params()),
    });
    expect(answer.status).toBe(200);

    const [bySdk, byHeader] = model.requests.slice(before);
    expect(bySdk?.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(bySdk?.headers['x-api-key']).toBeUndefined();
    expect(bySdk?.headers['anthropic-version']).toEqual(expect.any(String));
    expect(bySdk?.headers['anthropic-beta']).toBe('some-beta-2025-01-01');
    expect(byHeader?.headers['x-api-key']).toBe(KEY);
    expect(byHeader?.headers['anthropic-version']).toBe('2023-06-01');
    expect(byHeader?.headers.authorization).toBeUndefined();
    expect(byHeader?.headers['x-other']).toBeUndefined();
    for (const request of [bySdk, byHeader]) {
      expect(JSON.stringify(request?.headers)).not.toContain(token);
    }
  });

  it('refuses a call without a token, with a made-up one, a revoked one or an expired one', async () => {
    const before = model.requestCount;
    const noToken = await raw('/v1/messages', {
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(params()),
    });
    expect(noToken.status).toBe(401);
    expect(JSON.parse(noToken.body)).toEqual({
      type: 'error',
      error: { type: 'authentication_error', message: expect.stringContaining('token') },
    });

    const revoked = tokens.issue(TASK, 60_000);
    tokens.revoke(revoked);
    const expired = tokens.issue(TASK, 20);
    await new Promise((resolve) => setTimeout(resolve, 50));
    for (const token of ['made-up-token', KEY, revoked, expired]) {
      const err = await failureOf(client(token).messages.create(params()));
      expect(err).toBeInstanceOf(APIError);
      expect(err).toMatchObject({
        status: 401,
        error: { error: { type: 'authentication_error' } },
      });
    }
    expect(model.requestCount).toBe(before);
  });

  it('cuts off a streaming call when its token is revoked, and aborts it upstream', async () => {
    const token = tokens.issue(TASK, 60_000);
    model.script(slowTurn());
    const stream = client(token).messages.stream(params());
    const seen: string[] = [];
    const read = (async () => {
      for await (const event of stream) {
        seen.push(event.type);
        if (event.type === 'content_block_delta') tokens.revoke(token);
      }
    })();
    const err = await failureOf(read);
    // The connection is cut, as a model API that breaks off a stream would do.
    expect(err).toMatchObject({ message: expect.stringContaining('terminated') });
    expect(seen).not.toContain('message_stop');
    await eventually(() => model.activeStreams === 0, 'the upstream stream to end', 2_000);

    // A call that waits for the model's first byte ends with a 401 instead.
    let answered: () => void = () => undefined;
    const waiting = new Promise<void>((resolve) => (answered = resolve));
    const second = tokens.issue(TASK, 60_000);
    model.script(async () => {
      await waiting;
      return { content: [text('too late')] };
    });
    const requests = model.requestCount;
    const call = failureOf(client(second).messages.create(params()));
    await model.waitForRequests(requests + 1);
    tokens.revoke(second);
    expect(await call).toMatchObject({ status: 401 });
    answered();
  });

  it('aborts the upstream call when its caller goes away', async () => {
    const token = tokens.issue(TASK, 60_000);
    model.script(slowTurn());
    const abort = new AbortController();
    const stream = client(token).messages.stream(params(), { signal: abort.signal });
    const read = (async () => {
      for await (const event of stream) {
        if (event.type === 'content_block_delta') abort.abort();
      }
    })();
    await failureOf(read);
    await eventually(() => model.activeStreams === 0, 'the upstream stream to end', 2_000);
  });

  it('refuses a body larger than 32 MiB with a 413, and a chunked one past its bound', async () => {
    const token = tokens.issue(TASK, 60_000);
    const before = model.requestCount;
    const err = await failureOf(
      client(token).messages.create(params('x'.repeat(32 * 1024 * 1024 + 1))),
    );
    expect(err).toMatchObject({ status: 413, error: { error: { type: 'request_too_large' } } });

    // No length declared: the bound holds as the body streams in, and the answer comes while
    // the caller is still sending.
    const small = await startProxy({ maxBodyBytes: 1024 });
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const call = request(`${small.url}/v1/messages`, {
        method: 'POST',
        headers: { 'x-api-key': token, 'content-type': 'application/json' },
      });
      call.once('response', (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.once('end', () => resolve({ status: res.statusCode ?? 0, body }));
        call.end('the rest, which nobody reads');
      });
      call.once('error', reject);
      call.write('x'.repeat(600));
      call.write('x'.repeat(600));
    });
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body)).toMatchObject({ error: { type: 'request_too_large' } });
    expect(model.requestCount).toBe(before);
  });

  it('answers 502 when the model API is unreachable, without the key', async () => {
    const down = await startProxy({ upstream: `http://127.0.0.1:${await findFreePort()}` });
    const token = tokens.issue(TASK, 60_000);
    const answer = await fetch(`${down.url}/v1/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(params()),
    });
    const body = await answer.text();
    expect(answer.status).toBe(502);
    expect(JSON.parse(body)).toEqual({
      type: 'error',
      error: {
        type: 'api_error',
        message: expect.stringContaining('could not reach the model API at http://127.0.0.1:'),
      },
    });
    expect(body).not.toContain(KEY);
    expect(body).not.toContain(token);
  });

  it('answers 404, in the model API’s shape, for anything but the Messages API', async () => {
    const token = tokens.issue(TASK, 60_000);
    for (const [method, path] of [
      ['GET', '/v1/models'],
      ['GET', '/v1/messages'],
      ['POST', '/v1/complete'],
    ] as const) {
      const answer = await raw(path, { method, headers: { 'x-api-key': token } });
      expect(answer.status).toBe(404);
      expect(JSON.parse(answer.body)).toEqual({
        type: 'error',
        error: {
          type: 'not_found_error',
          message: `${method} ${path} is not served by the model proxy`,
        },
      });
    }
  });

  it('logs each call with its agent, task, status and duration, never the key or the token', async () => {
    const token = tokens.issue(TASK, 60_000);
    model.script({ content: [text('Logged.')] });
    await client(token).messages.create(params());
    await failureOf(client('made-up-token').messages.create(params()));

    const calls = logs.records.filter((r) => r['msg'] === 'model call');
    expect(calls).toContainEqual(
      expect.objectContaining({
        agent: `${TASK.namespace}/${TASK.agent}`,
        taskId: TASK.taskId,
        path: '/v1/messages',
        status: 200,
        durationMs: expect.any(Number),
      }),
    );
    expect(calls).toContainEqual(expect.objectContaining({ status: 401 }));
    expect(logs.lines.join('\n')).not.toContain(KEY);
    expect(logs.lines.join('\n')).not.toContain(token);
  });
});
