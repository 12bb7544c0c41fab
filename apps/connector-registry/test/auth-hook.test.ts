import { operations, REGISTRY_TAGS } from '@komputer/contracts';
import type { OperationId } from '@komputer/contracts';
import type { AuthRequest } from '@komputer/routes';
import { AppError } from '@komputer/service-kit';
import { call, startTestRegistry } from './harness';
import type { TestRegistry } from './harness';

// The registry's operations go through the same hook as the gateway's: this one refuses every
// operation that is not public, and records what it was asked.
const asked: AuthRequest[] = [];
let t: TestRegistry;
beforeAll(async () => {
  t = await startTestRegistry(
    {},
    {
      authenticate: (request) => {
        asked.push(request);
        if (request.security === 'public') return { kind: 'anonymous' };
        throw new AppError('UNAUTHENTICATED', 401, 'send a credential', { retryable: false });
      },
    },
  );
});
afterAll(() => t.close());

const served = (Object.keys(operations) as OperationId[]).filter(
  (id) =>
    (REGISTRY_TAGS as readonly string[]).includes(operations[id].tag) ||
    id === 'getHealth' ||
    id === 'getReadiness',
);

it('asks the hook for each of its operations before anything else looks at the request', async () => {
  expect(served.length).toBe(25);
  for (const id of served) {
    const spec = operations[id];
    asked.length = 0;
    const res = await call(
      spec.method.toUpperCase(),
      `${t.url}${spec.path.replaceAll(/\{[^}]+\}/g, 'someone')}`,
      spec.method === 'get' || spec.method === 'delete' ? undefined : { bogus: true },
      { authorization: 'Bearer nothing' },
    );
    expect({ id, asked: asked.map((a) => a.operationId) }).toEqual({ id, asked: [id] });
    expect(asked[0]?.headers['authorization']).toBe('Bearer nothing');
    // The OAuth callback is public (its state is its credential): past the hook, a request
    // without a state is refused by its validation.
    const expected = spec.security === 'caller' ? 401 : id === 'completeOAuth' ? 400 : 200;
    expect({ id, status: res.status }).toEqual({ id, status: expected });
  }
});
