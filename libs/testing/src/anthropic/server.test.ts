import Anthropic from '@anthropic-ai/sdk';
import type { APIError } from '@anthropic-ai/sdk';
import type { MessageCreateParamsNonStreaming } from '@anthropic-ai/sdk/resources/messages';
import { startScriptedAnthropic } from './server';
import type { ScriptedAnthropic } from './server';
import { apiError, echoLastUserText, lastUserText, text, thinking, toolUse } from './turns';

const MODEL = 'claude-sonnet-4-6';

function ask(content: string): MessageCreateParamsNonStreaming {
  return { model: MODEL, max_tokens: 1024, messages: [{ role: 'user', content }] };
}

/** The error a promise rejects with (fails the test when it resolves). */
function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (err: unknown) => err,
  );
}

/** A raw POST to the server, for what the SDK would refuse to send. */
async function post(url: string, body: string, headers: Record<string, string> = {}) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': 'test', ...headers },
    body,
  });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

describe('scripted Anthropic server', () => {
  let server: ScriptedAnthropic;
  let client: Anthropic;

  beforeEach(async () => {
    server = await startScriptedAnthropic();
    client = new Anthropic({ apiKey: 'test', baseURL: server.url, maxRetries: 0 });
  });

  afterEach(() => server.close());

  it('answers a non-streamed request with a Message', async () => {
    server.script({ content: [text('Hello there!')] });

    const message = await client.messages.create(ask('Hi'));

    expect(message).toMatchObject({
      type: 'message',
      role: 'assistant',
      model: MODEL,
      content: [{ type: 'text', text: 'Hello there!', citations: null }],
      stop_reason: 'end_turn',
      stop_sequence: null,
      usage: { output_tokens: 3 },
    });
    expect(message.id).toMatch(/^msg_/);
    expect(message.usage.input_tokens).toBeGreaterThan(0);
    expect(server.remainingTurns).toBe(0);
  });

  it('streams thinking, text and tool_use blocks that the SDK reassembles', async () => {
    const input = { query: 'weather in Paris', days: 3, units: { temperature: 'celsius' } };
    server.script({
      content: [
        thinking('The user wants the weather; a search will do.', 'sig-1'),
        text('Let me look that up for you.'),
        toolUse('search', input, 'toolu_fixed'),
      ],
    });

    const stream = client.messages.stream(ask('Weather in Paris?'));
    const events: string[] = [];
    const textChunks: string[] = [];
    const jsonChunks: string[] = [];
    stream.on('streamEvent', (event) => events.push(event.type));
    stream.on('text', (delta) => textChunks.push(delta));
    stream.on('inputJson', (partial) => jsonChunks.push(partial));
    const message = await stream.finalMessage();

    expect(message.content).toEqual([
      {
        type: 'thinking',
        thinking: 'The user wants the weather; a search will do.',
        signature: 'sig-1',
      },
      { type: 'text', text: 'Let me look that up for you.', citations: null },
      { type: 'tool_use', id: 'toolu_fixed', name: 'search', input, caller: { type: 'direct' } },
    ]);
    expect(message.stop_reason).toBe('tool_use');
    expect(textChunks.length).toBeGreaterThan(1);
    expect(textChunks.join('')).toBe('Let me look that up for you.');
    expect(jsonChunks.length).toBeGreaterThan(1);
    const block = ['content_block_start', 'content_block_delta', 'content_block_stop'];
    const collapsed = events.filter((type, i) => type !== events[i - 1]);
    expect(collapsed).toEqual([
      'message_start',
      ...block,
      ...block,
      ...block,
      'message_delta',
      'message_stop',
    ]);
  });

  it('sends the SSE wire format: event names, ping, and a made-up tool id', async () => {
    server.script({ content: [toolUse('noop', {})] });

    const res = await post(
      `${server.url}/v1/messages`,
      JSON.stringify({ ...ask('go'), stream: true }),
    );

    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(res.headers.get('request-id')).toMatch(/^req_/);
    const frames = res.text.trim().split('\n\n');
    expect(frames.map((frame) => frame.split('\n')[0])).toEqual([
      'event: message_start',
      'event: ping',
      'event: content_block_start',
      'event: content_block_delta',
      'event: content_block_stop',
      'event: message_delta',
      'event: message_stop',
    ]);
    const data = frames.map((frame) =>
      JSON.parse(frame.split('\n')[1]?.slice('data: '.length) ?? ''),
    );
    expect(data[2].content_block).toMatchObject({
      type: 'tool_use',
      id: expect.stringMatching(/^toolu_/),
    });
    expect(data[3].delta).toEqual({ type: 'input_json_delta', partial_json: '{}' });
    expect(data[5]).toMatchObject({
      delta: { stop_reason: 'tool_use' },
      usage: { output_tokens: expect.any(Number) },
    });
  });

  it('surfaces scripted HTTP errors as the SDK typed errors', async () => {
    server.script(
      apiError('rate_limit_error', 'Slow down', { 'retry-after': '7' }),
      apiError('api_error', 'Internal trouble'),
      apiError('overloaded_error', 'Overloaded'),
    );

    const rateLimited = await rejectionOf(client.messages.create(ask('1')));
    expect(rateLimited).toBeInstanceOf(Anthropic.RateLimitError);
    expect(rateLimited).toMatchObject({
      status: 429,
      type: 'rate_limit_error',
      apiMessage: 'Slow down',
    });
    expect((rateLimited as APIError).headers?.get('retry-after')).toBe('7');

    const internal = await rejectionOf(client.messages.create(ask('2')));
    expect(internal).toBeInstanceOf(Anthropic.InternalServerError);
    expect(internal).toMatchObject({ status: 500, type: 'api_error' });

    const overloaded = await rejectionOf(client.messages.create(ask('3')));
    expect(overloaded).toBeInstanceOf(Anthropic.APIError);
    expect(overloaded).toBeInstanceOf(Anthropic.OverloadedError);
    expect(overloaded).toMatchObject({ status: 529, type: 'overloaded_error' });
  });

  it('lets the SDK retry a 529 and then succeed', async () => {
    const retrying = new Anthropic({ apiKey: 'test', baseURL: server.url, maxRetries: 1 });
    server.script(apiError('overloaded_error', 'Overloaded', { 'retry-after-ms': '1' }), {
      content: [text('Second time lucky.')],
    });

    const message = await retrying.messages.create(ask('Hi'));

    expect(message.content).toEqual([
      { type: 'text', text: 'Second time lucky.', citations: null },
    ]);
    expect(server.requestCount).toBe(2);
  });

  it('breaks a stream off with an SSE error event', async () => {
    server.script({
      content: [text('This answer never finishes.')],
      streamFailure: { afterEvents: 4 },
    });

    const stream = client.messages.stream(ask('Hi'));
    const textChunks: string[] = [];
    stream.on('text', (delta) => textChunks.push(delta));
    const err = await rejectionOf(stream.finalMessage());

    expect(err).toBeInstanceOf(Anthropic.APIError);
    expect(err).toMatchObject({ type: 'overloaded_error', apiMessage: 'Overloaded' });
    expect(textChunks).toEqual(['This ans']);
  });

  it('breaks a stream off by destroying the socket', async () => {
    server.script({
      content: [text('This answer never finishes.')],
      streamFailure: { afterEvents: 4, error: null, destroySocket: true },
    });

    const stream = client.messages.stream(ask('Hi'));
    const textChunks: string[] = [];
    stream.on('text', (delta) => textChunks.push(delta));

    await expect(stream.finalMessage()).rejects.toThrow();
    expect(textChunks).toEqual(['This ans']);
  });

  it('answers a non-streamed request for a failing turn with the HTTP error', async () => {
    server.script({ content: [text('unused')], streamFailure: { afterEvents: 2 } });

    const err = await rejectionOf(client.messages.create(ask('Hi')));

    expect(err).toMatchObject({ status: 529, type: 'overloaded_error' });
  });

  it('delivers a slow stream event by event', async () => {
    server.script({ content: [text('one two three four five')], delayMs: 10, chunkSize: 4 });

    const stream = client.messages.stream(ask('Count'));
    const seen: Array<{ snapshot: string; activeStreams: number }> = [];
    stream.on('text', (_delta, snapshot) =>
      seen.push({ snapshot, activeStreams: server.activeStreams }),
    );
    await stream.finalMessage();

    // The first chunk arrived while the server was still writing the rest of the stream.
    expect(seen[0]).toEqual({ snapshot: 'one ', activeStreams: 1 });
    expect(seen.map((s) => s.snapshot)).toEqual([
      'one ',
      'one two ',
      'one two thre',
      'one two three fo',
      'one two three four f',
      'one two three four five',
    ]);
    expect(server.activeStreams).toBe(0);
  });

  it('logs requests and waits for them', async () => {
    server.script({ content: [text('a')] }, { content: [text('b')] });
    const waiting = server.waitForRequests(2);

    await client.messages.create(ask('first'));
    await client.messages.create({ ...ask('second'), system: 'Be brief.' });
    const log = await waiting;

    expect(log.map(lastUserText)).toEqual(['first', 'second']);
    expect(log[1]?.body.system).toBe('Be brief.');
    expect(log[0]?.headers.authorization).toBe('Bearer test');
    expect(log[0]?.receivedAt).toBeInstanceOf(Date);
    expect(await server.waitForRequests(1)).toHaveLength(2);
    await expect(server.waitForRequests(3, 20)).rejects.toThrow(
      'scripted Anthropic server: waited 20 ms for 3 requests, got 2',
    );
  });

  it('keeps only the most recent requests in the log', async () => {
    const small = await startScriptedAnthropic({
      maxLoggedRequests: 2,
      offlineResponder: echoLastUserText,
    });
    try {
      const smallClient = new Anthropic({ apiKey: 'test', baseURL: small.url, maxRetries: 0 });
      for (const word of ['one', 'two', 'three']) await smallClient.messages.create(ask(word));

      expect(small.requests.map(lastUserText)).toEqual(['two', 'three']);
      expect(small.requestCount).toBe(3);
    } finally {
      await small.close();
    }
  });

  it('fails loudly when the script is used up', async () => {
    const err = await rejectionOf(client.messages.create(ask('Hi')));

    expect(err).toBeInstanceOf(Anthropic.InternalServerError);
    expect(err).toMatchObject({
      status: 500,
      type: 'api_error',
      apiMessage: 'scripted Anthropic server: no scripted turn left for request #1',
    });
  });

  it('answers from the offline responder once the script is used up', async () => {
    const offline = await startScriptedAnthropic({
      script: [{ content: [text('scripted')] }],
      offlineResponder: echoLastUserText,
    });
    try {
      const offlineClient = new Anthropic({ apiKey: 'test', baseURL: offline.url, maxRetries: 0 });
      const first = await offlineClient.messages.create(ask('Hi'));
      const second = await offlineClient.messages.create(ask('Still there?'));

      expect(first.content).toMatchObject([{ text: 'scripted' }]);
      expect(second.content).toMatchObject([{ text: 'echo: Still there?' }]);
    } finally {
      await offline.close();
    }
  });

  it('passes the request to function turns', async () => {
    server.script({ content: [toolUse('clock', {}, 'toolu_clock')] }, (request) => {
      const last = request.body.messages.at(-1)?.content ?? [];
      const results = Array.isArray(last)
        ? last.flatMap((block) => (block.type === 'tool_result' ? [block.content] : []))
        : [];
      return { content: [text(`It is ${String(results[0] ?? 'unknown')}.`)] };
    });
    const messages: Anthropic.MessageParam[] = [{ role: 'user', content: 'What time is it?' }];

    const first = await client.messages.create({ model: MODEL, max_tokens: 100, messages });
    messages.push(
      { role: 'assistant', content: first.content },
      {
        role: 'user',
        content: [{ type: 'tool_result', tool_use_id: 'toolu_clock', content: 'noon' }],
      },
    );
    const second = await client.messages.create({ model: MODEL, max_tokens: 100, messages });

    expect(second.content).toMatchObject([{ type: 'text', text: 'It is noon.' }]);
  });

  it('answers 500 when a function turn throws', async () => {
    server.script(() => {
      throw new Error('no such fixture');
    });

    const err = await rejectionOf(client.messages.create(ask('Hi')));

    expect(err).toMatchObject({
      status: 500,
      apiMessage: 'scripted Anthropic server: the turn for request #1 threw: no such fixture',
    });
  });

  it('rejects unauthenticated and malformed requests without using the script', async () => {
    server.script({ content: [text('kept')] });
    const url = `${server.url}/v1/messages`;
    const errorOf = (res: { text: string }) => JSON.parse(res.text);

    const noKey = await post(url, JSON.stringify(ask('Hi')), { 'x-api-key': '' });
    expect(noKey.status).toBe(401);
    expect(errorOf(noKey)).toEqual({
      type: 'error',
      error: {
        type: 'authentication_error',
        message: 'an x-api-key or an authorization: Bearer header is required',
      },
    });
    const notJson = await post(url, '{');
    expect(notJson.status).toBe(400);
    expect(errorOf(notJson).error.type).toBe('invalid_request_error');
    const { model: _model, ...noModel } = ask('Hi');
    expect(errorOf(await post(url, JSON.stringify(noModel))).error.message).toMatch(/^model:/);
    const noMessages = { model: MODEL, max_tokens: 5 };
    expect(errorOf(await post(url, JSON.stringify(noMessages))).error.message).toMatch(
      /^messages:/,
    );
    const elsewhere = await post(`${server.url}/v1/complete`, '{}');
    expect(elsewhere.status).toBe(404);

    expect(server.requestCount).toBe(0);
    expect(server.remainingTurns).toBe(1);
  });

  it('closes with a stream open and rejects pending waits', async () => {
    server.script({ content: [text('This takes forever.')], delayMs: 60_000 });
    const stream = client.messages.stream(ask('Hi'));
    const started = new Promise((resolve) => stream.once('streamEvent', resolve));
    const streamError = rejectionOf(stream.finalMessage());
    const waitError = rejectionOf(server.waitForRequests(5));
    await started;

    await server.close();

    expect(await streamError).toBeInstanceOf(Error);
    expect(await waitError).toMatchObject({
      message: 'scripted Anthropic server: closed while waiting for 5 requests',
    });
    expect(server.activeStreams).toBe(0);
  });

  it('refuses a thinking budget out of the API’s bounds, and streams thinking within them', async () => {
    server.script({ content: [thinking('Let me think.'), text('42')] });
    const within = await client.messages.create({
      ...ask('Think'),
      max_tokens: 3000,
      thinking: { type: 'enabled', budget_tokens: 2048 },
    });
    expect(within.content.map((block) => block.type)).toEqual(['thinking', 'text']);

    const tooSmall = await rejectionOf(
      client.messages.create({ ...ask('x'), thinking: { type: 'enabled', budget_tokens: 512 } }),
    );
    expect(tooSmall).toMatchObject({ status: 400, message: expect.stringMatching(/1024/) });
    const overMax = await rejectionOf(
      client.messages.create({ ...ask('x'), thinking: { type: 'enabled', budget_tokens: 1024 } }),
    );
    expect(overMax).toMatchObject({ status: 400, message: expect.stringMatching(/max_tokens/) });
  });
});

describe('scripted Anthropic server with a context window', () => {
  let server: ScriptedAnthropic;
  let client: Anthropic;

  beforeEach(async () => {
    server = await startScriptedAnthropic({ contextWindow: 100 });
    client = new Anthropic({ apiKey: 'test', baseURL: server.url, maxRetries: 0 });
  });

  afterEach(() => server.close());

  it('refuses a prompt longer than the window as the API does, consuming no turn', async () => {
    server.script({ content: [text('fits')] });
    const long = ask('x'.repeat(1_000));

    const err = (await rejectionOf(client.messages.create(long))) as APIError;

    expect(err.status).toBe(400);
    expect(err.type).toBe('invalid_request_error');
    expect(err.message).toMatch(/prompt is too long: \d+ tokens > 100 maximum/);
    expect(server.remainingTurns).toBe(1);
    expect(server.requestCount).toBe(1);
  });

  it('answers a prompt within the window, with the input tokens it counted against it', async () => {
    server.script({ content: [text('fits')] });
    const request = ask('x'.repeat(300));

    const message = await client.messages.create(request);

    const counted = message.usage.input_tokens;
    expect(counted).toBeGreaterThan(75);
    expect(counted).toBeLessThanOrEqual(100);
    // A request a little longer than the one counted passes the window.
    const err = (await rejectionOf(
      client.messages.create(ask('x'.repeat(300 + 4 * (101 - counted)))),
    )) as APIError;
    expect(err.message).toMatch(/prompt is too long: 101 tokens > 100 maximum/);
  });
});
