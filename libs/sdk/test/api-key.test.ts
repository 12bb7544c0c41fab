import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Komputer } from '../src/index';
import { json, startServer } from './server';
import type { TestServer } from './server';

let server: TestServer;
let dataDir: string;
const saved = { ...process.env };
beforeEach(async () => {
  server = await startServer((_req, res) => json(res, 200, { namespaces: ['default'] }));
  dataDir = mkdtempSync(join(tmpdir(), 'komputer-sdk-key-'));
  delete process.env['KOMPUTER_API_KEY'];
  process.env['KOMPUTER_DATA_DIR'] = dataDir;
});
afterEach(async () => {
  process.env = { ...saved };
  rmSync(dataDir, { recursive: true, force: true });
  await server.close();
});

const sentAuthorization = async (client: Komputer) => {
  await client.namespaces.list();
  return server.requests.at(-1)?.headers['authorization'];
};

it('sends the apiKey option as a bearer token', async () => {
  const client = new Komputer({ baseURL: server.url, apiKey: 'kpt_a_given' });
  expect(await sentAuthorization(client)).toBe('Bearer kpt_a_given');
});

it('takes KOMPUTER_API_KEY, then the key npm start wrote, then none', async () => {
  expect(await sentAuthorization(new Komputer({ baseURL: server.url }))).toBeUndefined();
  writeFileSync(join(dataDir, 'api-key'), 'kpt_local_fromfile\n', { mode: 0o600 });
  expect(await sentAuthorization(new Komputer({ baseURL: server.url }))).toBe(
    'Bearer kpt_local_fromfile',
  );
  process.env['KOMPUTER_API_KEY'] = 'kpt_env_fromenv';
  expect(await sentAuthorization(new Komputer({ baseURL: server.url }))).toBe(
    'Bearer kpt_env_fromenv',
  );
});

it('leaves a header the caller set alone', async () => {
  const client = new Komputer({
    baseURL: server.url,
    apiKey: 'kpt_a_given',
    defaultHeaders: { 'x-api-key': 'kpt_b_other' },
  });
  expect(await sentAuthorization(client)).toBeUndefined();
  expect(server.requests.at(-1)?.headers['x-api-key']).toBe('kpt_b_other');
});
