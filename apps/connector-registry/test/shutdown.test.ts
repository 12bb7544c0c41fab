import { createServer } from 'node:http';
import { listenOnRandomPort } from '@komputer/testing';
import { call, startTestRegistry } from './harness';

it('closes in order: readiness first, then new connections, then in-flight requests finish', async () => {
  // An MCP server that takes its time: tool discovery is still under way when close() starts.
  const slow = createServer((_req, res) => {
    setTimeout(() => res.writeHead(404).end(), 400);
  });
  const { url } = await listenOnRandomPort(slow);
  const t = await startTestRegistry({ KOMPUTER_MCP_TIMEOUT_MS: '2000' });
  try {
    await call('POST', `${t.api}/connectors`, { name: 'slow', service: 'x', url: `${url}/mcp` });
    const inFlight = call('GET', `${t.api}/connectors/slow/tools`);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const closing = t.service.close();
    expect((await t.service.health.readiness()).ok).toBe(false);
    // It still answers the request it had, with the registry's own error for that server.
    const answer = await inFlight;
    expect(answer.status).toBe(502);
    expect(answer.body.code).toBe('CONNECTOR_UNREACHABLE');
    await closing;
    await expect(fetch(`${t.url}/healthz`)).rejects.toThrow();
    // close() is idempotent.
    await t.service.close();
  } finally {
    await t.close();
    await new Promise((resolve) => slow.close(resolve));
  }
});
