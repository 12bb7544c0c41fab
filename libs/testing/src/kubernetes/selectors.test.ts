import { KubeApiError } from './status';
import { resourceOfKind } from './resources';
import { labelsMatch, parseFieldSelector, parseLabelSelector, selectorMatcher } from './selectors';

const pods = resourceOfKind('Pod');

describe('label selectors', () => {
  const labels = { app: 'agent', tier: 'a', version: '3' };
  it.each([
    ['app=agent', true],
    ['app==agent', true],
    ['app!=agent', false],
    ['app!=other', true],
    ['missing!=x', true],
    ['tier in (a, b)', true],
    ['tier notin (a)', false],
    ['missing notin (a)', true],
    ['app', true],
    ['!app', false],
    ['!missing', true],
    ['version>2', true],
    ['version<3', false],
    ['app=agent,tier in (b)', false],
    ['', true],
  ])('%s matches: %s', (selector, expected) => {
    expect(labelsMatch(parseLabelSelector(selector), labels)).toBe(expected);
  });

  it.each(['app=', 'a in (b', 'bad key!=x', 'app=not ok', 'x>y'])(
    'refuses %s with a 400',
    (selector) => {
      const parse = () => parseLabelSelector(selector === 'app=' ? 'app=,' : selector);
      expect(parse).toThrow(KubeApiError);
      try {
        parse();
      } catch (err) {
        expect((err as KubeApiError).code).toBe(400);
      }
    },
  );
});

describe('field selectors', () => {
  const pod = {
    metadata: { name: 'p', namespace: 'ns' },
    spec: { nodeName: 'n1' },
    status: { phase: 'Running' },
  };

  it('matches the fields the real server supports for pods', () => {
    const match = (text: string) => selectorMatcher([], parseFieldSelector(text, pods), pods)(pod);
    expect(match('metadata.name=p,metadata.namespace=ns')).toBe(true);
    expect(match('status.phase!=Running')).toBe(false);
    expect(match('spec.nodeName==n1')).toBe(true);
  });

  it('refuses other fields as the real server does', () => {
    expect(() => parseFieldSelector('spec.containers=x', pods)).toThrow(
      'field label not supported: spec.containers',
    );
    expect(() => parseFieldSelector('status.phase=Running', resourceOfKind('ConfigMap'))).toThrow(
      'field label not supported: status.phase',
    );
  });

  it('unescapes values', () => {
    expect(parseFieldSelector('metadata.name=a\\,b', pods)).toEqual([
      { field: 'metadata.name', equal: true, value: 'a,b' },
    ]);
  });
});
