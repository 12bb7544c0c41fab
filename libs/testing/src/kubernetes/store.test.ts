import { resourceOfKind } from './resources';
import { ObjectStore } from './store';

const configMaps = resourceOfKind('ConfigMap');

function configMap(name: string, data: Record<string, string> = {}) {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'ns' }, data };
}

describe('ObjectStore', () => {
  it('numbers every change with one increasing resourceVersion', () => {
    const store = new ObjectStore({ historySize: 10 });
    const a = store.put(configMaps, configMap('a'));
    const b = store.put(configMaps, configMap('b'));
    const a2 = store.put(configMaps, configMap('a', { k: 'v' }));
    const gone = store.remove(configMaps, 'ns', 'b');
    expect([a, b, a2, gone].map((o) => o?.metadata?.resourceVersion)).toEqual(['1', '2', '3', '4']);
    expect(store.changesSince(1)?.map((c) => `${c.type} ${c.object.metadata?.name}`)).toEqual([
      'ADDED b',
      'MODIFIED a',
      'DELETED b',
    ]);
  });

  it('keeps a bounded window: a version older than it cannot be resumed from', () => {
    const store = new ObjectStore({ historySize: 2 });
    for (const name of ['a', 'b', 'c', 'd']) store.put(configMaps, configMap(name));
    expect(store.changesSince(1)).toBeUndefined();
    expect(store.changesSince(2)?.map((c) => c.resourceVersion)).toEqual([3, 4]);
    store.compact();
    expect(store.changesSince(3)).toBeUndefined();
    expect(store.changesSince(4)).toEqual([]);
  });

  it('delivers changes made by a listener after the one it is handling, in order', () => {
    const store = new ObjectStore({ historySize: 10 });
    const seen: number[][] = [[], []];
    store.subscribe((change) => {
      seen[0]?.push(change.resourceVersion);
      if (change.object.metadata?.name === 'a') store.put(configMaps, configMap('reaction'));
    });
    store.subscribe((change) => seen[1]?.push(change.resourceVersion));
    store.put(configMaps, configMap('a'));
    expect(seen).toEqual([
      [1, 2],
      [1, 2],
    ]);
  });
});
