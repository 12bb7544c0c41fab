import { startTestGateway } from './harness';
import type { TestGateway } from './harness';

let t: TestGateway;
beforeAll(async () => {
  t = await startTestGateway({ KOMPUTER_CORS_ORIGINS: 'https://app.example.com' });
});
afterAll(() => t.close());

describe('KOMPUTER_CORS_ORIGINS', () => {
  const origin = 'https://app.example.com';

  it('lets a listed origin’s page create an agent: preflight, then the POST', async () => {
    const pre = await fetch(`${t.api}/agents`, {
      method: 'OPTIONS',
      headers: {
        origin,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type',
      },
    });
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-origin')).toBe(origin);

    const res = await fetch(`${t.api}/agents`, {
      method: 'POST',
      headers: { origin, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'from-a-page', instructions: 'Hello' }),
    });
    expect(res.status).toBe(201);
    expect(res.headers.get('access-control-allow-origin')).toBe(origin);
    expect(res.headers.get('access-control-expose-headers')).toContain('X-Request-Id');
  });

  it('answers an error to a listed origin with the CORS headers, so that its page reads it', async () => {
    const res = await fetch(`${t.api}/agents/nobody`, { headers: { origin } });
    expect(res.status).toBe(404);
    expect(res.headers.get('access-control-allow-origin')).toBe(origin);
  });

  it('gives another origin nothing to read', async () => {
    const res = await fetch(`${t.api}/agents`, {
      headers: { origin: 'https://other.example.com' },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });
});
