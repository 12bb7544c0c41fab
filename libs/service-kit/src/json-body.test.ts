import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { ErrorEnvelopeSchema } from '@komputer/contracts';
import { listenOnRandomPort } from '@komputer/testing';
import express from 'express';
import { errorMiddleware } from './errors';
import { requestIdMiddleware } from './http';
import { jsonBodyParser, jsonDepth } from './json-body';
import { createLogger } from './logger';

const nested = (depth: number, inner = '1') => '['.repeat(depth) + inner + ']'.repeat(depth);

describe('jsonDepth', () => {
  it.each([
    ['1', 0],
    ['"[[[{"', 0],
    ['{}', 1],
    ['{"a": [1, {"b": []}]}', 4],
    ['[[], [[]], []]', 3],
    ['{"a": "\\"[[[", "b": {}}', 2],
    ['{"a": "\\\\", "b": [[]]}', 3],
    ['["ünïcödé [", {"ключ": ["значение"]}]', 3],
    [nested(500), 500],
  ])('%s nests %i levels', (text, depth) => {
    expect(jsonDepth(Buffer.from(text))).toBe(depth);
  });

  it('stops one level past the limit', () => {
    expect(jsonDepth(Buffer.from(nested(100_000)), 64)).toBe(65);
  });
});

describe('jsonBodyParser', () => {
  let server: Server;
  let base: string;

  beforeAll(async () => {
    const app = express();
    app.use(requestIdMiddleware);
    app.use(jsonBodyParser({ limitBytes: 1024 * 1024, maxDepth: 8 }));
    app.post('/echo', (req, res) => {
      res.json(req.body);
    });
    app.use(errorMiddleware(createLogger({ name: 'json-body-test', level: 'silent' })));
    server = createServer(app);
    base = (await listenOnRandomPort(server)).url;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  });

  async function post(body: string, contentType = 'application/json') {
    const res = await fetch(`${base}/echo`, {
      method: 'POST',
      headers: { 'content-type': contentType },
      body,
      signal: AbortSignal.timeout(10_000),
    });
    return { status: res.status, body: (await res.json()) as unknown };
  }

  it('parses a body as deep as the bound', async () => {
    expect(await post(nested(8))).toEqual({ status: 200, body: JSON.parse(nested(8)) });
  });

  it.each([9, 10_000, 500_000])('refuses a body %i levels deep with 400', async (depth) => {
    const { status, body } = await post(nested(depth));
    expect(status).toBe(400);
    expect(ErrorEnvelopeSchema.parse(body)).toMatchObject({
      code: 'VALIDATION_FAILED',
      error: 'body: JSON nests deeper than 8 levels',
    });
  });

  it('refuses JSON that is not UTF-8 with 415', async () => {
    const { status, body } = await post('{}', 'application/json; charset=utf-16');
    expect(status).toBe(415);
    expect(ErrorEnvelopeSchema.parse(body).code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it('refuses bytes that are not UTF-8 with 400 INVALID_JSON, rather than replace them', async () => {
    const res = await fetch(`${base}/echo`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: Buffer.concat([
        Buffer.from('{"a": "'),
        Buffer.from([0xc3, 0x28, 0xff]),
        Buffer.from('"}'),
      ]),
      signal: AbortSignal.timeout(10_000),
    });
    expect(res.status).toBe(400);
    expect(ErrorEnvelopeSchema.parse(await res.json())).toMatchObject({
      code: 'INVALID_JSON',
      error: 'body: malformed JSON (not valid UTF-8)',
    });
  });

  it.each([
    ['{"__proto__": {"polluted": true}}', 'body.__proto__'],
    ['{"a": [{"b": {"__proto__": 1}}]}', 'body.a.0.b.__proto__'],
    ['{"a": {"\\u005f_proto__": 1}}', 'body.a.__proto__'],
  ])('refuses a "__proto__" key: %s', async (text, path) => {
    const { status, body } = await post(text);
    expect(status).toBe(400);
    expect(ErrorEnvelopeSchema.parse(body).error).toBe(
      `${path}: "__proto__" is not allowed as a key`,
    );
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('keeps "constructor" and "prototype", which are plain keys once parsed', async () => {
    const text = '{"constructor": {"prototype": {"x": 1}}}';
    expect(await post(text)).toEqual({ status: 200, body: JSON.parse(text) });
  });
});
