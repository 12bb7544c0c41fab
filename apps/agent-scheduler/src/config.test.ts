import { ConfigError, parseConfig } from '@komputer/service-kit';
import { generateSecretKey } from '@komputer/connectors';
import { SchedulerConfigSchema } from './config';
import { LocalDriverConfigSchema } from './local-config';

/** The one variable without a default. */
const required = { KOMPUTER_SECRET_KEY: generateSecretKey() };

describe('SchedulerConfigSchema', () => {
  it('has defaults for everything', () => {
    expect(parseConfig(SchedulerConfigSchema, required)).toMatchObject({
      KOMPUTER_RUNTIME_DRIVER: 'local',
      KOMPUTER_SCHEDULER_CONCURRENCY: 16,
      KOMPUTER_MAX_TURNS: 50,
      KOMPUTER_MODEL_PROXY_HOST: '127.0.0.1',
      KOMPUTER_MODEL_PROXY_PORT: 0,
      ANTHROPIC_BASE_URL: 'https://api.anthropic.com',
    });
    expect(parseConfig(LocalDriverConfigSchema, {})).toMatchObject({
      KOMPUTER_RUNTIME_SPARE: true,
      KOMPUTER_RUNTIME_NODE_OPTIONS: ['--max-semi-space-size=1', '--optimize-for-size'],
    });
  });

  it('gives the model API key to the scheduler only, never to the local driver', () => {
    const env = { ...required, ANTHROPIC_API_KEY: 'sk-ant-key', ANTHROPIC_BASE_URL: 'http://m:1' };
    expect(parseConfig(SchedulerConfigSchema, env)).toMatchObject({
      ANTHROPIC_API_KEY: 'sk-ant-key',
      ANTHROPIC_BASE_URL: 'http://m:1',
    });
    const local = parseConfig(LocalDriverConfigSchema, env) as Record<string, unknown>;
    expect(Object.keys(local).filter((name) => name.startsWith('ANTHROPIC_'))).toEqual([
      'ANTHROPIC_MAX_RETRIES',
    ]);
  });

  it('leaves idle agents alone by default, and takes lifetimes in ms', () => {
    expect(parseConfig(SchedulerConfigSchema, required)).toMatchObject({
      KOMPUTER_SLEEP_AFTER_IDLE_MS: 0,
      KOMPUTER_DELETE_AFTER_IDLE_MS: 0,
    });
    expect(
      parseConfig(SchedulerConfigSchema, {
        ...required,
        KOMPUTER_SLEEP_AFTER_IDLE_MS: '900000',
        KOMPUTER_DELETE_AFTER_IDLE_MS: '86400000',
      }),
    ).toMatchObject({
      KOMPUTER_SLEEP_AFTER_IDLE_MS: 900_000,
      KOMPUTER_DELETE_AFTER_IDLE_MS: 86_400_000,
    });
    expect(() =>
      parseConfig(SchedulerConfigSchema, { ...required, KOMPUTER_DELETE_AFTER_IDLE_MS: '-1' }),
    ).toThrow('KOMPUTER_DELETE_AFTER_IDLE_MS');
  });

  it('refuses a runtime driver it does not have', () => {
    expect(() =>
      parseConfig(SchedulerConfigSchema, { ...required, KOMPUTER_RUNTIME_DRIVER: 'docker' }),
    ).toThrow('KOMPUTER_RUNTIME_DRIVER');
  });

  it('takes the runtimes’ settings in the local driver’s, to hand them on', () => {
    expect(parseConfig(LocalDriverConfigSchema, {})).toMatchObject({
      KOMPUTER_BASH_TIMEOUT_MS: 120_000,
      ANTHROPIC_MAX_RETRIES: 2,
    });
    expect(
      parseConfig(LocalDriverConfigSchema, { KOMPUTER_BASH_TIMEOUT_MS: '5000' })
        .KOMPUTER_BASH_TIMEOUT_MS,
    ).toBe(5000);
    expect(() => parseConfig(LocalDriverConfigSchema, { KOMPUTER_BASH_TIMEOUT_MS: '10' })).toThrow(
      'KOMPUTER_BASH_TIMEOUT_MS',
    );
  });

  it('splits runtime Node.js options, and refuses what is not one', () => {
    const config = parseConfig(LocalDriverConfigSchema, {
      KOMPUTER_RUNTIME_NODE_OPTIONS: ' --max-old-space-size=256  --jitless ',
      KOMPUTER_RUNTIME_SPARE: 'false',
    });
    expect(config.KOMPUTER_RUNTIME_NODE_OPTIONS).toEqual(['--max-old-space-size=256', '--jitless']);
    expect(config.KOMPUTER_RUNTIME_SPARE).toBe(false);
    expect(() =>
      parseConfig(LocalDriverConfigSchema, {
        KOMPUTER_RUNTIME_NODE_OPTIONS: '--inspect; rm -rf /',
      }),
    ).toThrow(ConfigError);
  });

  it('refuses a missing or malformed secret key, without echoing it', () => {
    expect(() => parseConfig(SchedulerConfigSchema, {})).toThrow(
      'KOMPUTER_SECRET_KEY: is required',
    );
    const short = 'c2hvcnQta2V5LW5vdC0zMi1ieXRlcw==';
    let message = '';
    try {
      parseConfig(SchedulerConfigSchema, { KOMPUTER_SECRET_KEY: short });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toContain('KOMPUTER_SECRET_KEY: must be 32 random bytes in base64');
    expect(message).not.toContain(short);
  });
});
