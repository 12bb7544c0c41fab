/**
 * Compares two Redis stream ids (`<ms>-<seq>`, decimal without leading zeros): negative, zero
 * or positive, like a sort comparator. Both parts may exceed 2^53, so they are compared as
 * digit strings: a longer string is the larger number.
 */
export function compareIds(a: string, b: string): number {
  if (a === b) return 0;
  const dashA = a.indexOf('-');
  const dashB = b.indexOf('-');
  return (
    compareDigits(a.slice(0, dashA), b.slice(0, dashB)) ||
    compareDigits(a.slice(dashA + 1), b.slice(dashB + 1))
  );
}

function compareDigits(a: string, b: string): number {
  if (a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}
