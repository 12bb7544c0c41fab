import { AppError } from '@komputer/service-kit';
import { errorOf, refusedUpgrade, sendRequest } from '@komputer/testing';
import type { HttpAnswer } from '@komputer/testing';
import { call, startTestGateway } from './harness';
import type { TestGateway } from './harness';

// komputer.ai's clients show `body.error` as the message: every error path must answer with a
// string there, whoever raised it (a route, the body parser, the auth hook, the relay's handshake,
// the connector-registry behind the gateway), and our structured fields beside it.

const FIELDS = ['error', 'code', 'type', 'requestId', 'retryable', 'details'];

let t: TestGateway;
beforeAll(async () => {
  t = await startTestGateway(
    { KOMPUTER_BODY_LIMIT_BYTES: '2048' },
    {
      authenticate: (request) => {
        if (request.headers['authorization'] === 'Bearer wrong') {
          throw new AppError('UNAUTHENTICATED', 401, 'the API key is not valid', {
            retryable: false,
          });
        }
        return { kind: 'anonymous' };
      },
    },
  );
  expect((await call('POST', `${t.api}/agents`, { name: 'idle', instructions: 'go' })).status).toBe(
    201,
  );
});
afterAll(() => t.close());

/** The answer's error body, checked to be komputer.ai's shape with nothing else at the top. */
function flatError(answer: HttpAnswer, status: number, code: string) {
  expect({ status: answer.status, body: answer.body.slice(0, 300) }).toMatchObject({ status });
  const raw = JSON.parse(answer.body) as Record<string, unknown>;
  expect(typeof raw['error']).toBe('string');
  expect(Object.keys(raw).filter((key) => !FIELDS.includes(key))).toEqual([]);
  const body = errorOf(answer);
  expect(body.code).toBe(code);
  expect(body.error.length).toBeGreaterThan(0);
  return body;
}

function json(path: string, method: string, body: string, headers: Record<string, string> = {}) {
  return sendRequest(`${t.api}${path}`, {
    method,
    body,
    headers: { 'content-type': 'application/json', ...headers },
  });
}

describe('every error path answers {error: "<message>", code, type, requestId, retryable}', () => {
  it('400 VALIDATION_FAILED, with the fields in details.issues', async () => {
    const body = flatError(
      await json('/agents', 'POST', JSON.stringify({ name: 'Not A Name', instructions: 'go' })),
      400,
      'VALIDATION_FAILED',
    );
    expect(body).toMatchObject({ type: 'invalid_request_error', retryable: false });
    expect(body.error).toMatch(/^body\.name: /);
    expect(body.details?.issues?.map((issue) => issue.path)).toEqual(['body.name']);
  });

  it('400 INVALID_JSON', async () => {
    flatError(await json('/agents', 'POST', '{"name": '), 400, 'INVALID_JSON');
  });

  it('401 from the auth hook', async () => {
    const body = flatError(
      await sendRequest(`${t.api}/agents`, { headers: { authorization: 'Bearer wrong' } }),
      401,
      'UNAUTHENTICATED',
    );
    expect(body).toMatchObject({ type: 'authentication_error', error: 'the API key is not valid' });
  });

  it('404 for an agent and for a route', async () => {
    const agent = flatError(await sendRequest(`${t.api}/agents/nobody`), 404, 'AGENT_NOT_FOUND');
    // The reference's web UI recognises a missing resource by "not found" in the message.
    expect(agent.error).toContain('not found');
    flatError(await sendRequest(`${t.api}/no-such-route`), 404, 'NOT_FOUND');
  });

  it('405 for a method the path does not take', async () => {
    flatError(
      await sendRequest(`${t.api}/agents/idle`, { method: 'PUT' }),
      405,
      'METHOD_NOT_ALLOWED',
    );
  });

  it('409 for a cancel with no task', async () => {
    const cancel = () => sendRequest(`${t.api}/agents/idle/cancel`, { method: 'POST' });
    expect((await cancel()).status).toBe(200);
    const body = flatError(await cancel(), 409, 'NO_ACTIVE_TASK');
    expect(body.type).toBe('conflict_error');
  });

  it('413 for a body over the limit, 415 for a body that is not JSON', async () => {
    const big = JSON.stringify({ name: 'big', instructions: 'x'.repeat(4096) });
    flatError(await json('/agents', 'POST', big), 413, 'PAYLOAD_TOO_LARGE');
    flatError(
      await sendRequest(`${t.api}/agents`, {
        method: 'POST',
        body: 'name=x',
        headers: { 'content-type': 'text/plain' },
      }),
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    );
  });

  it('the registry’s own errors, passed through the gateway', async () => {
    flatError(
      await sendRequest(`${t.api}/secrets/ghost`, { method: 'DELETE' }),
      404,
      'SECRET_NOT_FOUND',
    );
    const issues = flatError(
      await json('/memories', 'POST', JSON.stringify({ name: 'm', content: 7 })),
      400,
      'VALIDATION_FAILED',
    ).details?.issues;
    expect(issues?.map((issue) => issue.path)).toEqual(['body.content']);
  });

  it('a refused WebSocket handshake and a refused event stream', async () => {
    const ws = `${t.api}/agents/idle/ws`;
    flatError(
      await refusedUpgrade(ws, { headers: { 'Sec-WebSocket-Version': '8' } }),
      426,
      'UPGRADE_REQUIRED',
    );
    flatError(await refusedUpgrade(ws, { method: 'POST' }), 405, 'METHOD_NOT_ALLOWED');
    flatError(await sendRequest(`${t.api}/agents/nobody/ws`), 404, 'AGENT_NOT_FOUND');
    flatError(await sendRequest(`${t.api}/agents/nobody/events/stream`), 404, 'AGENT_NOT_FOUND');
  });

  // Last: it stops the registry.
  it('503 when the connector-registry cannot be reached', async () => {
    await t.stopRegistry();
    const body = flatError(await sendRequest(`${t.api}/connectors`), 503, 'REGISTRY_UNAVAILABLE');
    expect(body).toMatchObject({ type: 'unavailable_error', retryable: true });
  });
});
