/** One value inside a JSON value, with how it is reached from the root. */
export interface JsonNode {
  value: unknown;
  /** Its key in the object or array that holds it; undefined for the root. */
  key: string | undefined;
  /** How many objects and arrays hold it: 0 for the root. */
  depth: number;
  parent: JsonNode | undefined;
}

/**
 * Keys that name a prototype's slots. JSON.parse makes `__proto__` an ordinary key, but code that
 * copies it by assignment, or merges `constructor.prototype` into another object, changes a
 * prototype instead, so a free-form object may hold none of them at any depth.
 */
export const PROTOTYPE_KEYS: ReadonlySet<string> = new Set([
  '__proto__',
  'constructor',
  'prototype',
]);

/**
 * Every value inside `root`, the root first, depth first. The walk keeps its own stack instead
 * of recursing, so that a value of any depth is safe to look through.
 */
export function* jsonNodes(root: unknown): Generator<JsonNode> {
  const stack: JsonNode[] = [{ value: root, key: undefined, depth: 0, parent: undefined }];
  for (let node = stack.pop(); node; node = stack.pop()) {
    yield node;
    const { value, depth } = node;
    if (value === null || typeof value !== 'object') continue;
    for (const [key, child] of Object.entries(value)) {
      stack.push({ value: child, key, depth: depth + 1, parent: node });
    }
  }
}

/** The keys that lead from the root to `node`. */
export function jsonKeyPath(node: JsonNode): string[] {
  const keys: string[] = [];
  for (let at: JsonNode | undefined = node; at?.key !== undefined; at = at.parent) {
    keys.push(at.key);
  }
  return keys.reverse();
}
