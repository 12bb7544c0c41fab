import { jsonPatch, mergePatch, PatchError, strategicMerge } from './patch';

describe('JSON merge patch', () => {
  it('merges objects, deletes on null and replaces lists', () => {
    expect(mergePatch({ a: { b: 1, c: 2 }, l: [1, 2] }, { a: { c: null, d: 3 }, l: [3] })).toEqual({
      a: { b: 1, d: 3 },
      l: [3],
    });
  });
});

describe('strategic merge patch', () => {
  const pod = {
    spec: {
      containers: [
        { name: 'a', image: 'a:1', env: [{ name: 'X', value: '1' }] },
        { name: 'b', image: 'b:1' },
      ],
    },
    metadata: { finalizers: ['one'] },
  };

  it('merges containers by name and env by name', () => {
    const patched = strategicMerge(pod, {
      spec: { containers: [{ name: 'a', image: 'a:2', env: [{ name: 'Y', value: '2' }] }] },
    });
    expect(patched).toEqual({
      spec: {
        containers: [
          {
            name: 'a',
            image: 'a:2',
            env: [
              { name: 'X', value: '1' },
              { name: 'Y', value: '2' },
            ],
          },
          { name: 'b', image: 'b:1' },
        ],
      },
      metadata: { finalizers: ['one'] },
    });
  });

  it('honours $patch: delete, $setElementOrder and merged scalar lists', () => {
    const patched = strategicMerge(pod, {
      spec: {
        containers: [
          { name: 'b', $patch: 'delete' },
          { name: 'c', image: 'c:1' },
        ],
        '$setElementOrder/containers': [{ name: 'c' }, { name: 'a' }],
      },
      metadata: { finalizers: ['two'] },
    });
    expect(patched).toEqual({
      spec: {
        containers: [
          { name: 'c', image: 'c:1' },
          { name: 'a', image: 'a:1', env: [{ name: 'X', value: '1' }] },
        ],
      },
      metadata: { finalizers: ['one', 'two'] },
    });
  });
});

describe('JSON patch', () => {
  it('applies operations in order', () => {
    const doc = { a: [1, 2], b: { c: 'x' } };
    expect(
      jsonPatch(doc, [
        { op: 'add', path: '/a/-', value: 3 },
        { op: 'replace', path: '/b/c', value: 'y' },
        { op: 'copy', from: '/b/c', path: '/d' },
        { op: 'move', from: '/a/0', path: '/e' },
        { op: 'remove', path: '/b' },
        { op: 'test', path: '/d', value: 'y' },
      ]),
    ).toEqual({ a: [2, 3], d: 'y', e: 1 });
  });

  it('fails a test operation or a missing path with a PatchError', () => {
    expect(() => jsonPatch({ a: 1 }, [{ op: 'test', path: '/a', value: 2 }])).toThrow(PatchError);
    expect(() => jsonPatch({ a: 1 }, [{ op: 'remove', path: '/b' }])).toThrow(PatchError);
    expect(() => jsonPatch({ a: 1 }, { op: 'remove' })).toThrow(PatchError);
  });
});
