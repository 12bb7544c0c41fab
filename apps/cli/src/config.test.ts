import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  configPath,
  normaliseApi,
  readConfigFile,
  resolveSettings,
  writeConfigFile,
} from './config';
import { UsageError } from './errors';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'komputer-cli-config-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('the config file', () => {
  it('lives under XDG_CONFIG_HOME, else ~/.config, unless KOMPUTER_CONFIG names it', () => {
    expect(configPath({ HOME: '/home/ada' })).toBe('/home/ada/.config/komputer/config.json');
    expect(configPath({ HOME: '/home/ada', XDG_CONFIG_HOME: '/xdg' })).toBe(
      '/xdg/komputer/config.json',
    );
    expect(configPath({ HOME: '/home/ada', KOMPUTER_CONFIG: '/tmp/k.json' })).toBe('/tmp/k.json');
  });

  it('is empty when missing, and is written with its directory', () => {
    const path = join(dir, 'nested', 'config.json');
    expect(readConfigFile(path)).toEqual({});
    writeConfigFile(path, { api: 'http://api.example:8080', namespace: 'team-a' });
    expect(readConfigFile(path)).toEqual({ api: 'http://api.example:8080', namespace: 'team-a' });
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({
      api: 'http://api.example:8080',
      namespace: 'team-a',
    });
  });

  it('names the file and the problem when it is broken', () => {
    const path = join(dir, 'config.json');
    writeFileSync(path, '{ "api": ');
    expect(() => readConfigFile(path)).toThrow(UsageError);
    expect(() => readConfigFile(path)).toThrow(`the config file ${path} is not JSON`);
    writeFileSync(path, JSON.stringify({ api: 'http://x', colour: 'blue' }));
    expect(() => readConfigFile(path)).toThrow(/is not valid: .*colour/);
    writeFileSync(path, JSON.stringify({ namespace: 'Team A' }));
    expect(() => readConfigFile(path)).toThrow(
      `"namespace" in ${path}: "Team A" is not a namespace`,
    );
  });
});

describe('settings', () => {
  it('take a flag over the environment over the config file over the defaults', () => {
    const file = { api: 'http://from-file:1', namespace: 'file-ns' };
    const env = { KOMPUTER_BASE_URL: 'http://from-env:2', KOMPUTER_NAMESPACE: 'env-ns' };
    expect(resolveSettings({ api: 'http://from-flag:3', namespace: 'flag-ns' }, env, file)).toEqual(
      {
        api: { value: 'http://from-flag:3', source: 'flag' },
        namespace: { value: 'flag-ns', source: 'flag' },
      },
    );
    expect(resolveSettings({}, env, file)).toEqual({
      api: { value: 'http://from-env:2', source: 'env' },
      namespace: { value: 'env-ns', source: 'env' },
    });
    expect(resolveSettings({}, {}, file)).toEqual({
      api: { value: 'http://from-file:1', source: 'config' },
      namespace: { value: 'file-ns', source: 'config' },
    });
    expect(resolveSettings({}, {}, {})).toEqual({
      api: { value: 'http://localhost:8080', source: 'default' },
      namespace: { value: 'default', source: 'default' },
    });
  });

  it('refuse a bad flag, naming it', () => {
    expect(() => resolveSettings({ api: 'localhost:8080' }, {}, {})).toThrow(
      '--api: "localhost:8080" must be an http:// or https:// URL',
    );
    expect(() => resolveSettings({ api: 'not a url' }, {}, {})).toThrow(
      '--api: "not a url" is not a URL',
    );
    expect(() => resolveSettings({}, { KOMPUTER_NAMESPACE: 'A_B' }, {})).toThrow(
      'KOMPUTER_NAMESPACE: "A_B" is not a namespace',
    );
  });
});

describe('normaliseApi', () => {
  it('takes the address with or without /api/v1 and a trailing slash', () => {
    for (const value of [
      'http://127.0.0.1:8080',
      'http://127.0.0.1:8080/',
      'http://127.0.0.1:8080/api/v1',
      'http://127.0.0.1:8080/api/v1/',
    ])
      expect(normaliseApi(value, '--api')).toBe('http://127.0.0.1:8080');
    expect(normaliseApi('https://k.example/prefix/', '--api')).toBe('https://k.example/prefix');
  });
});
