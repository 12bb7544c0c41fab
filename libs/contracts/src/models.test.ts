import { contextWindowOf, DEFAULT_CONTEXT_WINDOW } from './models';

describe('contextWindowOf', () => {
  it('knows the Claude families', () => {
    expect(contextWindowOf('claude-sonnet-4-6')).toBe(200_000);
    expect(contextWindowOf('claude-opus-4-1-20250805')).toBe(200_000);
    expect(contextWindowOf('claude-3-5-haiku-latest')).toBe(200_000);
  });

  it('gives an unknown model the default, as the reference’s clients assume', () => {
    expect(contextWindowOf('some-proxy-model')).toBe(DEFAULT_CONTEXT_WINDOW);
    expect(DEFAULT_CONTEXT_WINDOW).toBe(200_000);
  });
});
