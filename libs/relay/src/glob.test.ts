import { AgentGlobSchema } from '@komputer/contracts';
import { globToRegExp } from './glob';

describe('globToRegExp', () => {
  it.each([
    ['build-*', 'build-1', true],
    ['build-*', 'build-', true],
    ['build-*', 'rebuild-1', false],
    ['*-db', 'orders-db', true],
    ['a?c', 'abc', true],
    ['a?c', 'ac', false],
    ['a?c', 'abbc', false],
    ['*', 'anything-at-all', true],
    ['exact', 'exact', true],
    ['exact', 'exactly', false],
  ])('%s matches %s: %s', (glob, name, expected) => {
    expect(AgentGlobSchema.safeParse(glob).success).toBe(true);
    expect(globToRegExp(glob).test(name)).toBe(expected);
  });

  it.each(['a.b', 'a[bc]', 'A*', 'a+', '(a)', ''])('the schema refuses %j', (glob) => {
    expect(AgentGlobSchema.safeParse(glob).success).toBe(false);
  });
});
