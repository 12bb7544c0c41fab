// The three patch formats of the API server: JSON merge patch (RFC 7386), strategic merge patch
// (the merge keys of the built-in types, and the `$patch`, `$setElementOrder`, `$retainKeys`
// and `$deleteFromPrimitiveList` directives that kubectl apply sends) and JSON patch (RFC 6902).

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

/** A patch that does not apply: the server answers 422 (or 400 for an undecodable one). */
export class PatchError extends Error {
  constructor(
    message: string,
    readonly malformed = false,
  ) {
    super(message);
    this.name = 'PatchError';
  }
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function clone<T>(value: T): T {
  return structuredClone(value);
}

/** RFC 7386: objects merge, `null` deletes, anything else (arrays too) replaces. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return clone(patch);
  const result: JsonObject = isObject(target) ? clone(target) : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = mergePatch(result[key], value) as Json;
  }
  return result;
}

// The patchMergeKey of the list fields of the built-in types the emulator serves. Lists not
// named here are replaced whole, as lists without a merge strategy are.
const MERGE_KEYS: Record<string, string | ((item: JsonObject) => string)> = {
  containers: 'name',
  initContainers: 'name',
  ephemeralContainers: 'name',
  env: 'name',
  volumes: 'name',
  volumeMounts: 'mountPath',
  volumeDevices: 'devicePath',
  imagePullSecrets: 'name',
  conditions: 'type',
  ownerReferences: 'uid',
  hostAliases: 'ip',
  resourceClaims: 'name',
  topologySpreadConstraints: 'topologyKey',
  // A container's ports merge on containerPort, a service's on port.
  ports: (item) => ('containerPort' in item ? 'containerPort' : 'port'),
};

// Lists of scalars with the merge strategy: a patch adds to them instead of replacing them.
const MERGED_SCALAR_LISTS = new Set(['finalizers']);

function mergeKeyFor(field: string, items: Json[]): string | undefined {
  const key = MERGE_KEYS[field];
  if (key === undefined) return undefined;
  if (typeof key === 'string') return key;
  const sample = items.find(isObject);
  return sample ? key(sample) : undefined;
}

function strategicList(field: string, original: Json | undefined, patch: Json[]): Json[] {
  const base = Array.isArray(original) ? original : [];
  if (MERGED_SCALAR_LISTS.has(field)) {
    const result = [...base];
    for (const item of patch) if (!result.includes(item)) result.push(clone(item));
    return result;
  }
  const key = mergeKeyFor(field, [...patch, ...base]);
  if (!key) return patch.filter((item) => !(isObject(item) && '$patch' in item)).map(clone);
  if (patch.some((item) => isObject(item) && item.$patch === 'replace')) {
    return patch.filter((item) => !(isObject(item) && item.$patch === 'replace')).map(clone);
  }
  const result: Json[] = base.map(clone);
  for (const item of patch) {
    if (!isObject(item)) throw new PatchError(`the list ${field} holds objects merged on ${key}`);
    const index = result.findIndex((existing) => isObject(existing) && existing[key] === item[key]);
    if (item.$patch === 'delete') {
      if (index >= 0) result.splice(index, 1);
      continue;
    }
    if (index >= 0) result[index] = strategicMerge(result[index], item) as Json;
    else result.push(strategicMerge({}, item) as Json);
  }
  return result;
}

function applyElementOrder(list: Json[], order: Json[], key: string | undefined): Json[] {
  const identity = (item: Json): Json => (key && isObject(item) ? (item[key] ?? null) : item);
  const wanted = order.map((o) => (key && isObject(o) ? (o[key] ?? null) : o));
  const position = (item: Json) => {
    const at = wanted.findIndex((w) => w === identity(item));
    return at < 0 ? Number.MAX_SAFE_INTEGER : at;
  };
  return list
    .map((item, index) => ({ item, index }))
    .sort((a, b) => position(a.item) - position(b.item) || a.index - b.index)
    .map(({ item }) => item);
}

/**
 * A strategic merge patch on a built-in type: like a merge patch, but lists with a merge key
 * (containers by name, env by name...) merge item by item, and the directives apply.
 */
export function strategicMerge(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return clone(patch);
  if (patch.$patch === 'delete') return undefined;
  const replace = patch.$patch === 'replace';
  const result: JsonObject = isObject(target) && !replace ? clone(target) : {};
  const orders: [string, Json[]][] = [];
  let retainKeys: string[] | undefined;
  for (const [key, value] of Object.entries(patch)) {
    if (key === '$patch') continue;
    if (key === '$retainKeys') {
      if (!Array.isArray(value)) throw new PatchError('$retainKeys must be a list', true);
      retainKeys = value.map(String);
      continue;
    }
    if (key.startsWith('$setElementOrder/')) {
      if (!Array.isArray(value)) throw new PatchError(`${key} must be a list`, true);
      orders.push([key.slice('$setElementOrder/'.length), value]);
      continue;
    }
    if (key.startsWith('$deleteFromPrimitiveList/')) {
      const field = key.slice('$deleteFromPrimitiveList/'.length);
      if (!Array.isArray(value)) throw new PatchError(`${key} must be a list`, true);
      const current = result[field];
      if (Array.isArray(current)) result[field] = current.filter((v) => !value.includes(v));
      continue;
    }
    if (value === null) {
      delete result[key];
    } else if (Array.isArray(value)) {
      result[key] = strategicList(key, result[key], value);
    } else if (isObject(value)) {
      const merged = strategicMerge(result[key], value);
      if (merged === undefined) delete result[key];
      else result[key] = merged as Json;
    } else {
      result[key] = value;
    }
  }
  for (const [field, order] of orders) {
    const list = result[field];
    if (Array.isArray(list))
      result[field] = applyElementOrder(list, order, mergeKeyFor(field, list));
  }
  if (retainKeys) {
    for (const key of Object.keys(result)) if (!retainKeys.includes(key)) delete result[key];
  }
  return result;
}

interface JsonPatchOperation {
  op: string;
  path: string;
  from?: string;
  value?: Json;
}

function pointer(path: string): string[] {
  if (path === '') return [];
  if (!path.startsWith('/')) throw new PatchError(`invalid JSON pointer: "${path}"`, true);
  return path
    .slice(1)
    .split('/')
    .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function parentOf(doc: Json, tokens: string[], path: string): { parent: Json; last: string } {
  let node = doc;
  for (const token of tokens.slice(0, -1)) {
    if (Array.isArray(node)) node = node[Number(token)] as Json;
    else if (isObject(node)) node = node[token] as Json;
    else node = undefined as unknown as Json;
    if (node === undefined) throw new PatchError(`doc is missing path: "${path}": missing value`);
  }
  return { parent: node, last: tokens[tokens.length - 1] ?? '' };
}

function getAt(doc: Json, path: string): Json {
  const tokens = pointer(path);
  if (tokens.length === 0) return doc;
  const { parent, last } = parentOf(doc, tokens, path);
  const value = Array.isArray(parent)
    ? parent[Number(last)]
    : isObject(parent)
      ? parent[last]
      : undefined;
  if (value === undefined) throw new PatchError(`doc is missing path: "${path}": missing value`);
  return value;
}

function arrayIndex(token: string, length: number, path: string, forAdd: boolean): number {
  if (forAdd && token === '-') return length;
  if (!/^\d+$/.test(token)) throw new PatchError(`invalid array index in path: "${path}"`);
  const index = Number(token);
  if (index > length || (!forAdd && index === length)) {
    throw new PatchError(`doc is missing path: "${path}": index out of bounds`);
  }
  return index;
}

function removeAt(doc: Json, path: string): Json {
  const tokens = pointer(path);
  const { parent, last } = parentOf(doc, tokens, path);
  if (Array.isArray(parent)) {
    const index = arrayIndex(last, parent.length, path, false);
    return parent.splice(index, 1)[0] as Json;
  }
  if (!isObject(parent) || !(last in parent)) {
    throw new PatchError(`doc is missing path: "${path}": missing value`);
  }
  const value = parent[last] as Json;
  delete parent[last];
  return value;
}

function addAt(doc: Json, path: string, value: Json, replace: boolean): Json {
  const tokens = pointer(path);
  if (tokens.length === 0) return clone(value);
  const { parent, last } = parentOf(doc, tokens, path);
  if (Array.isArray(parent)) {
    const index = arrayIndex(last, parent.length, path, !replace);
    if (replace) parent[index] = clone(value);
    else parent.splice(index, 0, clone(value));
  } else if (isObject(parent)) {
    if (replace && !(last in parent)) {
      throw new PatchError(`doc is missing key: "${path}": missing value`);
    }
    parent[last] = clone(value);
  } else {
    throw new PatchError(`doc is missing path: "${path}": missing value`);
  }
  return doc;
}

/** RFC 6902 JSON patch: add, remove, replace, move, copy and test, applied in order. */
export function jsonPatch(target: unknown, operations: unknown): unknown {
  if (!Array.isArray(operations)) {
    throw new PatchError(
      'json: cannot unmarshal object into Go value of type jsonpatch.Patch',
      true,
    );
  }
  let doc = clone(target) as Json;
  for (const raw of operations as JsonPatchOperation[]) {
    if (!isObject(raw as unknown) || typeof raw.op !== 'string' || typeof raw.path !== 'string') {
      throw new PatchError('each JSON patch operation needs "op" and "path"', true);
    }
    switch (raw.op) {
      case 'add':
        doc = addAt(doc, raw.path, raw.value ?? null, false);
        break;
      case 'remove':
        removeAt(doc, raw.path);
        break;
      case 'replace':
        if (pointer(raw.path).length === 0) doc = clone(raw.value ?? null);
        else doc = addAt(doc, raw.path, raw.value ?? null, true);
        break;
      case 'move': {
        const value = removeAt(doc, raw.from ?? '');
        doc = addAt(doc, raw.path, value, false);
        break;
      }
      case 'copy':
        doc = addAt(doc, raw.path, getAt(doc, raw.from ?? ''), false);
        break;
      case 'test':
        if (JSON.stringify(getAt(doc, raw.path)) !== JSON.stringify(raw.value)) {
          throw new PatchError(`testing value ${raw.path} failed: test failed`);
        }
        break;
      default:
        throw new PatchError(`Unexpected kind: ${raw.op}`, true);
    }
  }
  return doc;
}
