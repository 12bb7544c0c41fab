import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiKeyStringSchema } from '@komputer/contracts';
import { createLogger } from '@komputer/service-kit';
import { collectLogLines } from '@komputer/testing';
import { API_KEY_FILE, devApiKey } from './api-key';

let tmp: string;
const logger = () => createLogger({ name: 't', destination: collectLogLines(10).destination });
beforeEach(() => {
  tmp = mkdtempSync(join(tmpdir(), 'komputer-api-key-'));
});
afterEach(() => rmSync(tmp, { recursive: true, force: true }));

it('makes an admin key string in a 0600 file on first start, and keeps it', async () => {
  const key = await devApiKey(tmp, logger());
  expect(ApiKeyStringSchema.safeParse(key).success).toBe(true);
  const file = join(tmp, API_KEY_FILE);
  expect(statSync(file).mode & 0o777).toBe(0o600);
  expect(readFileSync(file, 'utf8').trim()).toBe(key);
  expect(await devApiKey(tmp, logger())).toBe(key);
});

it('replaces a key that others could read', async () => {
  const key = await devApiKey(tmp, logger());
  chmodSync(join(tmp, API_KEY_FILE), 0o644);
  const fresh = await devApiKey(tmp, logger());
  expect(fresh).not.toBe(key);
  expect(statSync(join(tmp, API_KEY_FILE)).mode & 0o777).toBe(0o600);
});

it('refuses a file that holds no key string', async () => {
  writeFileSync(join(tmp, API_KEY_FILE), 'not a key\n', { mode: 0o600 });
  await expect(devApiKey(tmp, logger())).rejects.toThrow(/does not hold an API key/);
});
