import { operations } from '@komputer/contracts';
import type { OperationId } from '@komputer/contracts';
import type { AuthRequest } from '@komputer/routes';
import { AppError } from '@komputer/service-kit';
import { TestClient } from '@komputer/testing';
import { startTestGateway } from './harness';
import type { TestGateway } from './harness';

// One hook decides every call. This one refuses every operation that is not public, and records
// what it was asked; every route of the operation table and every WebSocket upgrade must reach it.
const asked: AuthRequest[] = [];
let t: TestGateway;
beforeAll(async () => {
  t = await startTestGateway(
    {},
    {
      authenticate: (request) => {
        asked.push(request);
        if (request.security === 'public') return { kind: 'anonymous' };
        throw new AppError('UNAUTHENTICATED', 401, 'send an API key', { retryable: false });
      },
    },
  );
});
afterAll(() => t.close());

const ids = Object.keys(operations) as OperationId[];

it('asks the hook for every operation, before anything else looks at the request', async () => {
  for (const id of ids) {
    const spec = operations[id];
    if (spec.success.status === 101) continue;
    const path = spec.path.replaceAll(/\{[^}]+\}/g, 'someone');
    asked.length = 0;
    // A body that no operation accepts: the hook answers before validation does.
    const res = await fetch(`${t.url}${path}?token=abc`, {
      method: spec.method.toUpperCase(),
      headers: { 'content-type': 'application/json', authorization: 'Bearer nothing' },
      ...(spec.method === 'get' || spec.method === 'delete' ? {} : { body: '{"bogus": true}' }),
    });
    const body = (await res.json()) as { code?: string };
    expect({ id, asked: asked.map((a) => a.operationId) }).toEqual({ id, asked: [id] });
    expect(asked[0]?.headers['authorization']).toBe('Bearer nothing');
    expect(asked[0]?.query.get('token')).toBe('abc');
    if (spec.security === 'public') {
      // The OAuth callback is public (its state is its credential): past the hook, a request
      // without a state is refused by its validation.
      const status = id === 'completeOAuth' ? 400 : 200;
      expect({ id, status: res.status }).toEqual({ id, status });
    } else {
      expect({ id, status: res.status, code: body.code }).toEqual({
        id,
        status: 401,
        code: 'UNAUTHENTICATED',
      });
    }
  }
});

it('asks the hook for every WebSocket upgrade, which it refuses with 4401', async () => {
  const sockets = ids.filter((id) => operations[id].success.status === 101);
  expect(sockets.length).toBeGreaterThan(0);
  for (const id of sockets) {
    asked.length = 0;
    const path = operations[id].path.replaceAll(/\{[^}]+\}/g, 'someone');
    const closed = await TestClient.rejected(`${t.url.replace('http', 'ws')}${path}?agents=a`);
    expect({ id, code: closed.code, error: closed.parsed?.code }).toEqual({
      id,
      code: 4401,
      error: 'UNAUTHENTICATED',
    });
    expect(asked.map((a) => a.operationId)).toEqual([id]);
  }
});
