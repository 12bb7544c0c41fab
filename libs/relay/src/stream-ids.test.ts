import { compareIds } from './stream-ids';

describe('compareIds', () => {
  it.each([
    ['1-0', '1-0', 0],
    ['1-0', '1-1', -1],
    ['2-0', '1-9', 1],
    ['9-0', '10-0', -1],
    ['1700000000000-10', '1700000000000-9', 1],
    ['18446744073709551615-0', '18446744073709551614-99', 1],
    ['0-0', '0-1', -1],
    ['5-18446744073709551615', '5-18446744073709551614', 1],
  ])('compares %s with %s', (a, b, sign) => {
    expect(Math.sign(compareIds(a, b))).toBe(sign);
    expect(Math.sign(compareIds(b, a))).toBe(0 - sign || 0);
  });

  it('sorts like the numbers do', () => {
    const ids = ['10-1', '2-0', '10-0', '1-20', '1-3', '100-0'];
    expect([...ids].sort(compareIds)).toEqual(['1-3', '1-20', '2-0', '10-0', '10-1', '100-0']);
  });
});
