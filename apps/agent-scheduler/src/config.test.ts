import { ConfigError, parseConfig } from '@komputer/service-kit';
import { SchedulerConfigSchema } from './config';

describe('SchedulerConfigSchema', () => {
  it('has defaults for everything', () => {
    expect(parseConfig(SchedulerConfigSchema, {})).toMatchObject({
      KOMPUTER_SCHEDULER_CONCURRENCY: 16,
      KOMPUTER_RUNTIME_SPARE: true,
      KOMPUTER_RUNTIME_NODE_OPTIONS: ['--max-semi-space-size=1', '--optimize-for-size'],
      KOMPUTER_MAX_TURNS: 50,
    });
  });

  it('takes the runtimes’ settings, to hand them on', () => {
    expect(parseConfig(SchedulerConfigSchema, {})).toMatchObject({
      KOMPUTER_BASH_TIMEOUT_MS: 120_000,
      ANTHROPIC_MAX_RETRIES: 2,
    });
    expect(
      parseConfig(SchedulerConfigSchema, { KOMPUTER_BASH_TIMEOUT_MS: '5000' })
        .KOMPUTER_BASH_TIMEOUT_MS,
    ).toBe(5000);
    expect(() => parseConfig(SchedulerConfigSchema, { KOMPUTER_BASH_TIMEOUT_MS: '10' })).toThrow(
      'KOMPUTER_BASH_TIMEOUT_MS',
    );
  });

  it('splits runtime Node.js options, and refuses what is not one', () => {
    const config = parseConfig(SchedulerConfigSchema, {
      KOMPUTER_RUNTIME_NODE_OPTIONS: ' --max-old-space-size=256  --jitless ',
      KOMPUTER_RUNTIME_SPARE: 'false',
    });
    expect(config.KOMPUTER_RUNTIME_NODE_OPTIONS).toEqual(['--max-old-space-size=256', '--jitless']);
    expect(config.KOMPUTER_RUNTIME_SPARE).toBe(false);
    expect(() =>
      parseConfig(SchedulerConfigSchema, { KOMPUTER_RUNTIME_NODE_OPTIONS: '--inspect; rm -rf /' }),
    ).toThrow(ConfigError);
  });
});
