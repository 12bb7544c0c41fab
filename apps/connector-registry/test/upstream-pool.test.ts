import { startMcpTestServer } from '@komputer/testing';
import type { McpTestServer } from '@komputer/testing';
import { UpstreamPool } from '../src/upstream-pool';

let servers: McpTestServer[];
beforeAll(async () => {
  servers = await Promise.all([startMcpTestServer(), startMcpTestServer()]);
});
afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

const upstream = (i: number, token = 't') => ({
  url: servers[i]?.url ?? '',
  headers: { Authorization: `Bearer ${token}` },
});

describe('UpstreamPool', () => {
  it('keeps one client per connector, reused until its server or credential changes', async () => {
    const pool = new UpstreamPool({ maxClients: 4, connectTimeoutMs: 2000 });
    const first = await pool.client('ns/a', upstream(0));
    expect(await pool.client('ns/a', upstream(0))).toBe(first);
    const rotated = await pool.client('ns/a', upstream(0, 'rotated'));
    expect(rotated).not.toBe(first);
    expect(pool.size).toBe(1);
    pool.drop('ns/a');
    expect(pool.size).toBe(0);
    expect(await pool.client('ns/a', upstream(0, 'rotated'))).not.toBe(rotated);
    await pool.close();
    expect(pool.size).toBe(0);
  });

  it('closes the least recently used client past its bound', async () => {
    const pool = new UpstreamPool({ maxClients: 2, connectTimeoutMs: 2000 });
    const a = await pool.client('ns/a', upstream(0));
    const b = await pool.client('ns/b', upstream(1));
    // Used again: now b is the least recent.
    await pool.client('ns/a', upstream(0));
    await pool.client('ns/c', upstream(1));
    expect(pool.size).toBe(2);
    expect(await pool.client('ns/a', upstream(0))).toBe(a);
    expect(await pool.client('ns/b', upstream(1))).not.toBe(b);
    await pool.close();
  });

  it('keeps no client whose connection failed', async () => {
    const pool = new UpstreamPool({ maxClients: 2, connectTimeoutMs: 500 });
    await expect(
      pool.client('ns/down', { url: 'http://127.0.0.1:9/mcp', headers: {} }),
    ).rejects.toThrow('could not connect');
    expect(pool.size).toBe(0);
    await pool.close();
  });
});
