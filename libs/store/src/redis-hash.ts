/** Turns Redis's flat `[field, value, field, value, …]` reply into an object. */
export function fromPairs(flat: readonly string[]): Record<string, string> {
  const hash: Record<string, string> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) hash[flat[i] as string] = flat[i + 1] as string;
  return hash;
}
