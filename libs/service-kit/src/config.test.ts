import { z } from 'zod';
import {
  BaseConfigSchema,
  ConfigError,
  DEFAULT_REDIS_URL,
  loadConfig,
  parseConfig,
  PortSchema,
} from './config';

/** Runs `fn` and returns what it threw, failing the test when it threw nothing. */
function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected a throw');
}

function configError(fn: () => unknown): ConfigError {
  const err = thrown(fn);
  expect(err).toBeInstanceOf(ConfigError);
  return err as ConfigError;
}

describe('parseConfig with BaseConfigSchema', () => {
  it('applies every default to an empty environment', () => {
    expect(parseConfig(BaseConfigSchema, {})).toEqual({
      LOG_LEVEL: 'info',
      KOMPUTER_REDIS_PREFIX: 'komputer',
      KOMPUTER_DEFAULT_NAMESPACE: 'default',
      KOMPUTER_SHUTDOWN_TIMEOUT_MS: 10_000,
      KOMPUTER_EVENTS_MAXLEN: 10_000,
      KOMPUTER_REDIS_WAIT_REPLICAS: 0,
      KOMPUTER_REDIS_WAIT_TIMEOUT_MS: 1_000,
    });
  });

  it('ignores variables that the schema does not name', () => {
    const config = parseConfig(BaseConfigSchema, { HOME: '/root', PATH: '/bin' });
    expect(config).not.toHaveProperty('HOME');
    expect(config).not.toHaveProperty('PATH');
  });

  it('coerces numbers and keeps valid values', () => {
    const config = parseConfig(BaseConfigSchema, {
      LOG_LEVEL: 'debug',
      REDIS_URL: 'rediss://:pw@redis.example:6380/2',
      KOMPUTER_REDIS_PREFIX: 'kp_test.1-a',
      KOMPUTER_DEFAULT_NAMESPACE: 'team-a',
      KOMPUTER_SHUTDOWN_TIMEOUT_MS: '2500',
    });
    expect(config).toEqual({
      LOG_LEVEL: 'debug',
      REDIS_URL: 'rediss://:pw@redis.example:6380/2',
      KOMPUTER_REDIS_PREFIX: 'kp_test.1-a',
      KOMPUTER_DEFAULT_NAMESPACE: 'team-a',
      KOMPUTER_SHUTDOWN_TIMEOUT_MS: 2500,
      KOMPUTER_EVENTS_MAXLEN: 10_000,
      KOMPUTER_REDIS_WAIT_REPLICAS: 0,
      KOMPUTER_REDIS_WAIT_TIMEOUT_MS: 1_000,
    });
    expect(typeof config.KOMPUTER_SHUTDOWN_TIMEOUT_MS).toBe('number');
  });

  it('leaves REDIS_URL unset so that callers fall back to DEFAULT_REDIS_URL', () => {
    expect(parseConfig(BaseConfigSchema, {}).REDIS_URL).toBeUndefined();
    expect(DEFAULT_REDIS_URL).toBe('redis://127.0.0.1:6379');
  });

  it('treats a blank variable as unset, so that its default applies', () => {
    expect(
      parseConfig(BaseConfigSchema, {
        LOG_LEVEL: '',
        REDIS_URL: '',
        KOMPUTER_REDIS_PREFIX: ' ',
        KOMPUTER_SHUTDOWN_TIMEOUT_MS: '',
      }),
    ).toEqual(parseConfig(BaseConfigSchema, {}));
  });

  it('names the variable of a value it cannot coerce', () => {
    const err = configError(() =>
      parseConfig(BaseConfigSchema, { KOMPUTER_SHUTDOWN_TIMEOUT_MS: 'ten seconds' }),
    );
    expect(err.issues).toHaveLength(1);
    expect(err.issues[0]).toMatch(/^KOMPUTER_SHUTDOWN_TIMEOUT_MS: /);
    expect(err.message).toContain('Invalid configuration');
    expect(err.message).toContain('KOMPUTER_SHUTDOWN_TIMEOUT_MS');
    expect(err.name).toBe('ConfigError');
  });

  it.each([
    ['KOMPUTER_SHUTDOWN_TIMEOUT_MS', '99'],
    ['KOMPUTER_SHUTDOWN_TIMEOUT_MS', '600001'],
    ['KOMPUTER_SHUTDOWN_TIMEOUT_MS', '1500.5'],
    ['LOG_LEVEL', 'verbose'],
    ['LOG_LEVEL', 'INFO'],
    ['REDIS_URL', 'http://127.0.0.1:6379'],
    ['REDIS_URL', 'not a url'],
    ['KOMPUTER_REDIS_PREFIX', 'has space'],
    ['KOMPUTER_REDIS_PREFIX', 'a:b'],
    ['KOMPUTER_REDIS_PREFIX', 'p'.repeat(65)],
    ['KOMPUTER_DEFAULT_NAMESPACE', 'Default'],
    ['KOMPUTER_DEFAULT_NAMESPACE', '-default'],
    ['KOMPUTER_DEFAULT_NAMESPACE', 'n'.repeat(64)],
  ])('rejects %s=%j and names it', (key, value) => {
    const err = configError(() => parseConfig(BaseConfigSchema, { [key]: value }));
    expect(err.issues).toHaveLength(1);
    expect(err.issues[0]?.startsWith(`${key}: `)).toBe(true);
  });

  it('lists every bad variable at once', () => {
    const err = configError(() =>
      parseConfig(BaseConfigSchema, { LOG_LEVEL: 'loud', KOMPUTER_SHUTDOWN_TIMEOUT_MS: '1' }),
    );
    expect(err.issues.map((i) => i.split(':')[0]).sort()).toEqual([
      'KOMPUTER_SHUTDOWN_TIMEOUT_MS',
      'LOG_LEVEL',
    ]);
  });

  it('never echoes the bad value, which may be a secret', () => {
    const err = configError(() =>
      parseConfig(BaseConfigSchema, {
        REDIS_URL: 'http://:hunter2-secret@redis.example:6379',
        LOG_LEVEL: 'hunter3-secret',
      }),
    );
    expect(err.issues).toHaveLength(2);
    expect(err.message).not.toContain('hunter2');
    expect(err.message).not.toContain('hunter3');
  });

  it('marks a required variable that is missing or blank as unset', () => {
    const schema = z.object({ API_TOKEN: z.string().min(1) });
    for (const env of [{}, { API_TOKEN: '' }]) {
      const err = configError(() => parseConfig(schema, env));
      expect(err.issues).toEqual([expect.stringMatching(/^API_TOKEN: .*\(unset\)$/)]);
    }
  });

  it('does not mark a present but invalid variable as unset', () => {
    const err = configError(() => parseConfig(BaseConfigSchema, { LOG_LEVEL: 'loud' }));
    expect(err.issues[0]).not.toContain('(unset)');
  });
});

describe('PortSchema in an app schema', () => {
  const schema = BaseConfigSchema.extend({ PORT: PortSchema.default(8080) });

  it('defaults when unset or blank (a blank PORT must not become 0, a random port)', () => {
    expect(parseConfig(schema, {}).PORT).toBe(8080);
    expect(parseConfig(schema, { PORT: '' }).PORT).toBe(8080);
    expect(parseConfig(schema, { PORT: '  ' }).PORT).toBe(8080);
  });

  it('coerces valid ports, 0 meaning any free port', () => {
    expect(parseConfig(schema, { PORT: '0' }).PORT).toBe(0);
    expect(parseConfig(schema, { PORT: '65535' }).PORT).toBe(65535);
  });

  it.each(['-1', '65536', '80.5', 'http'])('rejects PORT=%j', (port) => {
    const err = configError(() => parseConfig(schema, { PORT: port }));
    expect(err.issues).toEqual([expect.stringMatching(/^PORT: /)]);
  });
});

describe('loadConfig', () => {
  class ExitCalled extends Error {
    constructor(readonly code: number | string | null | undefined) {
      super(`process.exit(${String(code)})`);
    }
  }

  let exit: jest.SpiedFunction<typeof process.exit>;
  let stderr: jest.SpiedFunction<typeof process.stderr.write>;

  beforeEach(() => {
    // process.exit must not return: throw so that the test sees where loadConfig stopped.
    exit = jest.spyOn(process, 'exit').mockImplementation((code) => {
      throw new ExitCalled(code);
    });
    stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
  });

  afterEach(() => {
    exit.mockRestore();
    stderr.mockRestore();
  });

  it('returns the parsed config without printing or exiting', () => {
    expect(loadConfig(BaseConfigSchema, { LOG_LEVEL: 'warn' }).LOG_LEVEL).toBe('warn');
    expect(exit).not.toHaveBeenCalled();
    expect(stderr).not.toHaveBeenCalled();
  });

  it('prints the readable error and exits with 78 (EX_CONFIG) on a bad config', () => {
    const err = thrown(() =>
      loadConfig(BaseConfigSchema, { KOMPUTER_SHUTDOWN_TIMEOUT_MS: 'soon' }),
    );
    expect(err).toBeInstanceOf(ExitCalled);
    expect((err as ExitCalled).code).toBe(78);
    expect(exit).toHaveBeenCalledTimes(1);
    const printed = stderr.mock.calls.map(([chunk]) => String(chunk)).join('');
    expect(printed).toContain('Invalid configuration');
    expect(printed).toMatch(/KOMPUTER_SHUTDOWN_TIMEOUT_MS: /);
    expect(printed).not.toContain('soon');
  });

  it('rethrows errors that are not about the config, without exiting', () => {
    const schema = z.object({ X: z.string() }).transform(() => {
      throw new TypeError('bug in a transform');
    });
    expect(() => loadConfig(schema, { X: 'x' })).toThrow(TypeError);
    expect(exit).not.toHaveBeenCalled();
  });
});
