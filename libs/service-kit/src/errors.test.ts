import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { ErrorEnvelopeSchema } from '@komputer/contracts';
import type { ErrorEnvelope } from '@komputer/contracts';
import { collectLogLines, listenOnRandomPort, startRedisServer } from '@komputer/testing';
import type { RedisServer } from '@komputer/testing';
import express from 'express';
import { z } from 'zod';
import {
  AppError,
  errorMiddleware,
  notFoundHandler,
  parseInput,
  toErrorEnvelope,
  toFieldIssues,
  validationError,
} from './errors';
import { requestIdMiddleware } from './http';
import { createLogger } from './logger';
import { closeRedis, createRedis } from './redis';
import type { RedisClient } from './redis';

describe('AppError', () => {
  it('is an Error with its code, status, message and name', () => {
    const cause = new Error('root');
    const err = new AppError('AGENT_BUSY', 409, 'agent "a" is busy', { cause });
    expect(err).toBeInstanceOf(Error);
    expect(err.name).toBe('AppError');
    expect(err.code).toBe('AGENT_BUSY');
    expect(err.status).toBe(409);
    expect(err.message).toBe('agent "a" is busy');
    expect(err.cause).toBe(cause);
    expect(err.details).toBeUndefined();
  });

  it.each([
    [400, 'invalid_request_error'],
    [404, 'not_found_error'],
    [405, 'invalid_request_error'],
    [409, 'conflict_error'],
    [413, 'request_too_large'],
    [415, 'invalid_request_error'],
    [503, 'unavailable_error'],
    [500, 'api_error'],
    [422, 'api_error'],
  ] as const)('maps status %i to type %s', (status, type) => {
    expect(new AppError('INTERNAL', status, 'x').type).toBe(type);
  });

  it('is retryable by default only for 5xx, unless told otherwise', () => {
    expect(new AppError('VALIDATION_FAILED', 400, 'x').retryable).toBe(false);
    expect(new AppError('AGENT_BUSY', 409, 'x').retryable).toBe(false);
    expect(new AppError('INTERNAL', 500, 'x').retryable).toBe(true);
    expect(new AppError('REDIS_UNAVAILABLE', 503, 'x').retryable).toBe(true);
    expect(new AppError('AGENT_BUSY', 409, 'x', { retryable: true }).retryable).toBe(true);
    expect(new AppError('INTERNAL', 500, 'x', { retryable: false }).retryable).toBe(false);
  });
});

describe('toErrorEnvelope', () => {
  it('builds the wire envelope, with details when there are some', () => {
    const err = new AppError('AGENT_BUSY', 409, 'busy', { details: { taskId: 't1' } });
    const envelope = toErrorEnvelope(err, 'req_1');
    expect(envelope).toEqual({
      error: 'busy',
      code: 'AGENT_BUSY',
      type: 'conflict_error',
      requestId: 'req_1',
      retryable: false,
      details: { taskId: 't1' },
    });
    expect(ErrorEnvelopeSchema.parse(envelope)).toEqual(envelope);
  });

  it('leaves details out entirely when there are none', () => {
    const envelope = toErrorEnvelope(new AppError('NOT_FOUND', 404, 'gone'), 'req_2');
    expect(Object.keys(envelope).sort()).toEqual(
      ['code', 'error', 'requestId', 'retryable', 'type'].sort(),
    );
  });
});

describe('toFieldIssues, validationError and parseInput', () => {
  const schema = z.strictObject({
    name: z.string().regex(/^[a-z]+$/, 'must be lowercase letters'),
    spec: z.object({ items: z.array(z.object({ size: z.number() })) }).optional(),
    limit: z.coerce.number().default(50),
  });

  it('returns the parsed value, with coercion and defaults applied', () => {
    expect(parseInput(schema, { name: 'abc' }, 'body')).toEqual({ name: 'abc', limit: 50 });
    expect(parseInput(schema, { name: 'abc', limit: '7' }, 'query').limit).toBe(7);
  });

  it('names every bad field by its dotted path under "where"', () => {
    const err = (() => {
      try {
        parseInput(
          schema,
          { name: 'ABC', spec: { items: [{ size: 1 }, { size: 'big' }] } },
          'body',
        );
      } catch (e) {
        return e;
      }
      throw new Error('expected a throw');
    })();
    expect(err).toBeInstanceOf(AppError);
    const appError = err as AppError;
    expect(appError.status).toBe(400);
    expect(appError.code).toBe('VALIDATION_FAILED');
    expect(appError.retryable).toBe(false);
    expect(appError.details?.['issues']).toEqual([
      { path: 'body.name', message: 'must be lowercase letters' },
      { path: 'body.spec.items.1.size', message: expect.any(String) },
    ]);
    expect(appError.message).toMatch(
      /^body\.name: must be lowercase letters; body\.spec\.items\.1\.size: /,
    );
  });

  it('names unknown keys, reported on their parent', () => {
    const { error } = schema.safeParse({ name: 'abc', extra: 1, other: 2 });
    if (!error) throw new Error('expected a validation error');
    const issues = toFieldIssues('body', error);
    expect(issues).toHaveLength(1);
    expect(issues[0]?.path).toBe('body');
    expect(issues[0]?.message).toContain('extra');
    expect(issues[0]?.message).toContain('other');
  });

  it('reports a value of the wrong type at the root as "where"', () => {
    const { error } = schema.safeParse('not an object');
    if (!error) throw new Error('expected a validation error');
    expect(toFieldIssues('query', error)).toEqual([{ path: 'query', message: expect.any(String) }]);
  });

  it('validationError joins the issues into one message', () => {
    const err = validationError([
      { path: 'body.a', message: 'bad' },
      { path: 'path.name', message: 'worse' },
    ]);
    expect(err.message).toBe('body.a: bad; path.name: worse');
    expect(err.details).toEqual({
      issues: [
        { path: 'body.a', message: 'bad' },
        { path: 'path.name', message: 'worse' },
      ],
    });
  });
});

describe('errorMiddleware over HTTP', () => {
  const { destination, records: logLines } = collectLogLines();
  const logger = createLogger({ name: 'errors-test', destination });
  const BodySchema = z.strictObject({ name: z.string().min(1), count: z.number().int() });

  let redisServer: RedisServer;
  let deadRedis: RedisClient;
  let server: Server;
  let base: string;

  beforeAll(async () => {
    // A real Redis that has gone away: the client gets the real ioredis error.
    redisServer = await startRedisServer();
    const redisUrl = redisServer.url;
    await redisServer.stop();
    // Its own logger, so that its connection warnings cannot land among the lines a test checks.
    deadRedis = createRedis({
      url: redisUrl,
      logger: createLogger({ name: 'errors-test-redis', level: 'silent' }),
      role: 'errors-test',
    });

    const app = express();
    app.use(requestIdMiddleware);
    app.use(express.json({ limit: 1024 }));
    app.post('/things', (req, res) => {
      res.status(201).json(parseInput(BodySchema, req.body, 'body'));
    });
    app.get('/things/:name', (req, res) => {
      res.json({ name: req.params['name'] });
    });
    app.get('/busy', () => {
      throw new AppError('AGENT_BUSY', 409, 'agent "a" is busy', {
        details: { agent: 'a', issues: [] },
      });
    });
    app.get('/redis', async (_req, res) => {
      res.json({ value: await deadRedis.get('key') });
    });
    app.get('/boom', () => {
      throw new Error('kaboom: internal detail at /srv/app.js');
    });
    app.get('/reject', async () => {
      await Promise.resolve();
      throw 'a string, not an Error';
    });
    app.get('/exposed', () => {
      throw Object.assign(new Error('Range not satisfiable'), { status: 416, expose: true });
    });
    app.get('/hidden-status', () => {
      throw Object.assign(new Error('upstream said no'), { status: 502, expose: false });
    });
    app.get('/half-sent', (_req, res) => {
      res.status(200).write('{"partial":');
      throw new Error('failed after the headers went out');
    });
    app.use(notFoundHandler);
    app.use(errorMiddleware(logger));
    server = createServer(app);
    base = (await listenOnRandomPort(server)).url;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
    await closeRedis(deadRedis);
    await redisServer.stop({ removeData: true });
  });

  beforeEach(() => {
    logLines.length = 0;
  });

  async function call(path: string, init: RequestInit = {}) {
    const res = await fetch(`${base}${path}`, { ...init, signal: AbortSignal.timeout(10_000) });
    const body = (await res.json()) as ErrorEnvelope;
    return { res, body, envelope: ErrorEnvelopeSchema.parse(body) };
  }

  function postJson(raw: string | Buffer, headers: Record<string, string> = {}) {
    return call('/things', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: raw,
    });
  }

  it('passes a valid request through', async () => {
    const res = await fetch(`${base}/things`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'n', count: 2 }),
    });
    expect(res.status).toBe(201);
    expect(await res.json()).toEqual({ name: 'n', count: 2 });
  });

  it('answers an AppError with its envelope and the request id', async () => {
    const { res, envelope } = await call('/busy', { headers: { 'x-request-id': 'caller-1' } });
    expect(res.status).toBe(409);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(envelope).toEqual({
      type: 'conflict_error',
      code: 'AGENT_BUSY',
      error: 'agent "a" is busy',
      requestId: 'caller-1',
      retryable: false,
      details: { agent: 'a', issues: [] },
    });
    expect(res.headers.get('retry-after')).toBeNull();
    expect(logLines).toHaveLength(0);
  });

  it('answers a validation failure with 400, naming every field path', async () => {
    const { res, envelope } = await postJson(JSON.stringify({ name: '', count: 1.5, extra: true }));
    expect(res.status).toBe(400);
    expect(envelope.code).toBe('VALIDATION_FAILED');
    expect(envelope.type).toBe('invalid_request_error');
    expect(envelope.retryable).toBe(false);
    expect(envelope.error).toContain('body.name: ');
    expect(envelope.error).toContain('body.count: ');
    expect(envelope.error).toMatch(/body: .*extra/);
    expect(envelope.details?.issues?.map((i) => i.path).sort()).toEqual([
      'body',
      'body.count',
      'body.name',
    ]);
    expect(envelope.requestId).toBe(res.headers.get('x-request-id'));
  });

  it('answers a body that is not JSON at all (no JSON content type) with a 400, not a 5xx', async () => {
    const { res, envelope } = await call('/things', {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: 'name=n',
    });
    expect(res.status).toBe(400);
    expect(envelope.code).toBe('VALIDATION_FAILED');
    expect(envelope.error).toMatch(/^body: /);
  });

  it('answers malformed JSON with 400 INVALID_JSON', async () => {
    const { res, envelope } = await postJson('{"name": "n",');
    expect(res.status).toBe(400);
    expect(envelope).toMatchObject({
      type: 'invalid_request_error',
      code: 'INVALID_JSON',
      retryable: false,
    });
    expect(envelope.error).toMatch(/^body: malformed JSON \(.+\)$/);
  });

  it.each([
    ['an unquoted value', '{"apiKey": sk-ant-secret-0123456789}'],
    ['a bare word', 'sk-ant-secret-0123456789'],
    ['a top-level string (strict mode)', '"sk-ant-secret-0123456789"'],
    ['a long body', `{"apiKey": sk-ant-secret-0123456789${'x'.repeat(200)}}`],
  ])('does not echo the body of malformed JSON (%s), which may hold a secret', async (_, raw) => {
    const { res, envelope } = await postJson(raw);
    expect(res.status).toBe(400);
    expect(envelope.code).toBe('INVALID_JSON');
    // V8 quotes about ten characters either side of the fault: the key's start would show.
    expect(envelope.error).not.toContain('sk-ant');
    expect(envelope.error).toMatch(/^body: malformed JSON \(.+\)$/);
  });

  it.each(['READONLY', '{"state": LOADING}', 'ECONNREFUSED'])(
    'does not mistake malformed JSON that mentions %j for a Redis outage',
    async (raw) => {
      const { res, envelope } = await postJson(raw);
      expect(res.status).toBe(400);
      expect(envelope.code).toBe('INVALID_JSON');
      expect(res.headers.get('retry-after')).toBeNull();
    },
  );

  it.each(['%zz', '%', 'a%E0%A4%A', '%C0%AF'])(
    'answers a malformed escape in a path parameter (%s) with 400, not a 5xx',
    async (name) => {
      const { res, envelope } = await call(`/things/${name}`);
      expect(res.status).toBe(400);
      expect(envelope).toMatchObject({ code: 'VALIDATION_FAILED', retryable: false });
      expect(envelope.error).toMatch(/^path: malformed percent-encoding/);
      expect(logLines).toHaveLength(0);
    },
  );

  it('answers a body over the limit with 413', async () => {
    const big = JSON.stringify({ name: 'x'.repeat(2048), count: 1 });
    const { res, envelope } = await postJson(big);
    expect(res.status).toBe(413);
    expect(envelope).toMatchObject({
      type: 'request_too_large',
      code: 'PAYLOAD_TOO_LARGE',
      retryable: false,
    });
    expect(envelope.error).toMatch(/^body: /);
  });

  it('answers an unsupported charset with 415', async () => {
    const { res, envelope } = await postJson('{"name":"n","count":1}', {
      'content-type': 'application/json; charset=latin1',
    });
    expect(res.status).toBe(415);
    expect(envelope).toMatchObject({
      type: 'invalid_request_error',
      code: 'UNSUPPORTED_MEDIA_TYPE',
      retryable: false,
    });
  });

  it.each(['gzip', 'deflate', 'br'])(
    'answers a body that does not decompress as %s says with 400, naming the body',
    async (encoding) => {
      const { res, envelope } = await postJson('{"name":"n","count":1}', {
        'content-encoding': encoding,
      });
      expect(res.status).toBe(400);
      expect(envelope).toMatchObject({
        code: 'VALIDATION_FAILED',
        error: 'body: does not decompress as its Content-Encoding says',
      });
    },
  );

  it('answers an unsupported content encoding with 415', async () => {
    const { res, envelope } = await postJson('{"name":"n","count":1}', {
      'content-encoding': 'compress',
    });
    expect(res.status).toBe(415);
    expect(envelope.code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it('answers a real ioredis connection error with 503 and Retry-After', async () => {
    const { res, envelope } = await call('/redis');
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('1');
    expect(envelope).toMatchObject({
      type: 'unavailable_error',
      code: 'REDIS_UNAVAILABLE',
      retryable: true,
    });
    expect(logLines).toContainEqual(
      expect.objectContaining({ level: 40, code: 'REDIS_UNAVAILABLE', path: '/redis' }),
    );
  });

  it('answers an unknown error with a plain 500 and logs it once, with its stack', async () => {
    const { res, body, envelope } = await call('/boom');
    expect(res.status).toBe(500);
    expect(envelope).toMatchObject({
      type: 'api_error',
      code: 'INTERNAL',
      error: 'internal error',
      retryable: true,
    });
    expect(JSON.stringify(body)).not.toContain('kaboom');
    expect(JSON.stringify(body)).not.toContain('/srv/app.js');
    const logged = logLines.filter((l) => l['msg'] === 'unhandled error');
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({ level: 50, method: 'GET', path: '/boom' });
    expect(logged[0]?.['requestId']).toBe(envelope.requestId);
    const err = logged[0]?.['err'] as { message?: string; stack?: string };
    expect(err.message).toContain('kaboom');
    expect(err.stack).toContain('errors.test.ts');
  });

  it('answers a thrown non-Error with a plain 500', async () => {
    const { res, envelope } = await call('/reject');
    expect(res.status).toBe(500);
    expect(envelope.code).toBe('INTERNAL');
    expect(envelope.error).toBe('internal error');
  });

  it('keeps the status of an exposed 4xx http error', async () => {
    const { res, envelope } = await call('/exposed');
    expect(res.status).toBe(416);
    expect(envelope.error).toBe('Range not satisfiable');
    expect(envelope.retryable).toBe(false);
  });

  it('does not reveal a non-exposed error with a status', async () => {
    const { res, envelope } = await call('/hidden-status');
    expect(res.status).toBe(500);
    expect(envelope.error).toBe('internal error');
  });

  it('leaves a response whose headers were already sent to express, which cuts it off', async () => {
    const res = await fetch(`${base}/half-sent`, { signal: AbortSignal.timeout(10_000) });
    expect(res.status).toBe(200);
    await expect(res.text()).rejects.toThrow();
  });

  it('answers an unknown route with 404 NOT_FOUND naming the method and path', async () => {
    const { res, envelope } = await call('/nowhere?x=1', { method: 'DELETE' });
    expect(res.status).toBe(404);
    expect(envelope).toMatchObject({
      type: 'not_found_error',
      code: 'NOT_FOUND',
      error: 'no route for DELETE /nowhere',
      retryable: false,
    });
    expect(envelope.requestId).toMatch(/^req_[0-9a-f]{32}$/);
    expect(res.headers.get('x-request-id')).toBe(envelope.requestId);
  });
});
