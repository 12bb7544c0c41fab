import { TASKS_QUEUE } from '@komputer/contracts';
import { agentMember, createKeys } from '../src';
import type { RefKind } from '../src';

const keys = createKeys('komputer');

describe('createKeys', () => {
  it('builds the documented key shapes', () => {
    expect(keys.agent('default', 'researcher')).toBe('komputer:default:agent:researcher');
    expect(keys.agents('default')).toBe('komputer:default:agents');
    expect(keys.events('default', 'researcher')).toBe('komputer:default:events:researcher');
    expect(keys.namespaces()).toBe('komputer:namespaces');
    expect(keys.bullPrefix()).toBe('komputer:bull');
    expect(keys.handoverChannel('0f3c')).toBe('komputer:handover:0f3c');
    expect(keys.schedulerAlive('0f3c')).toBe('komputer:scheduler:0f3c');
    expect(keys.attachedAgents('memory', 'shared', 'notes')).toBe(
      'komputer:shared:memory:notes:agents',
    );
    expect(keys.attachedAgents('secret', 'default', 'gh')).toBe(
      'komputer:default:secret:gh:agents',
    );
    expect(keys.agentRefs('default', 'researcher')).toBe('komputer:default:agent:researcher:refs');
    expect(keys.schedule('default', 'nightly')).toBe('komputer:default:schedule:nightly');
    expect(keys.scheduleRuns('default', 'nightly')).toBe('komputer:default:schedule:nightly:runs');
    expect(keys.schedules('default')).toBe('komputer:default:schedules');
    expect(agentMember('team-a', 'researcher')).toBe('team-a/researcher');
    expect(keys.refIndexesBuilt()).toBe('komputer:ref-indexes:templates');
    expect(createKeys('other').agent('a', 'b')).toBe('other:a:agent:b');
  });

  it('puts each namespace in a hash tag for a Redis Cluster, and the keys of none in their own', () => {
    const tagged = createKeys('komputer', { hashTags: true });
    expect(keys.hashTags).toBe(false);
    expect(tagged.hashTags).toBe(true);
    // Everything that one namespace's scripts touch carries the tag {<namespace>}.
    for (const key of [
      tagged.agent('team-a', 'x'),
      tagged.agents('team-a'),
      tagged.events('team-a', 'x'),
      tagged.steers('team-a', 'x'),
      tagged.agentRefs('team-a', 'x'),
      tagged.template('team-a', 't'),
      tagged.attachedAgents('memory', 'team-a', 'notes'),
      tagged.reports('team-a', 'boss'),
      tagged.officeHeads('team-a'),
      tagged.squad('team-a', 's'),
      tagged.relayWake('r1', 'team-a'),
      tagged.quota('team-a'),
      tagged.approval('team-a', 'id-1'),
      tagged.approvals('team-a', 'x'),
      tagged.usage('team-a', '2026-01-01'),
      tagged.audit('team-a'),
      tagged.subTasks('team-a', 't1'),
    ]) {
      expect(key).toMatch(/^komputer:\{team-a\}:/);
    }
    for (const key of [
      tagged.namespaces(),
      tagged.schedulers(),
      tagged.schedulerTasks('s1'),
      tagged.schedulerAlive('s1'),
      tagged.warmPools(),
      tagged.allSquads(),
      tagged.apiKeys(),
      tagged.apiKey('k1'),
      tagged.refIndexesBuilt(),
    ]) {
      expect(key).toMatch(/^komputer:\{_global\}:/);
    }
    expect(tagged.bullPrefix()).toBe('komputer:{_bull}');
    expect(tagged.rateLimit('key-1')).toBe('komputer:{rate-limit:key-1}');
    // A single Redis keeps the layout it always had.
    expect(keys.relayWake('r1', 'team-a')).toBe('komputer:relay:r1:wake');
  });

  it('gives every (kind, namespace, name) its own key, dashes and reserved words included', () => {
    // Names and namespaces are DNS-1123 labels: no ":", so ":" separates unambiguously.
    const labels = [
      'a',
      'b',
      'a-b',
      'b-a',
      'a-b-c',
      'ab',
      'agent',
      'agents',
      'events',
      'namespaces',
      'bull',
      'tasks',
      '0',
    ];
    const seen = new Map<string, string>();
    const add = (key: string, what: string) => {
      expect(seen.get(key) ?? what).toBe(what);
      seen.set(key, what);
    };
    // Each kind of reference, with the key of the resource it names.
    const kinds: [RefKind, (ns: string, name: string) => string][] = [
      ['connector', keys.connector],
      ['secret', keys.secret],
      ['memory', keys.memory],
      ['skill', keys.skill],
    ];
    add(keys.namespaces(), 'namespaces');
    add(keys.refIndexesBuilt(), 'ref indexes built');
    for (const ns of labels) {
      add(keys.agents(ns), `agents ${ns}`);
      for (const name of labels) {
        add(keys.agent(ns, name), `agent ${ns}/${name}`);
        add(keys.events(ns, name), `events ${ns}/${name}`);
        add(keys.agentRefs(ns, name), `refs of agent ${ns}/${name}`);
        for (const [kind, resource] of kinds) {
          add(resource(ns, name), `${kind} ${ns}/${name}`);
          add(keys.attachedAgents(kind, ns, name), `agents of ${kind} ${ns}/${name}`);
        }
      }
    }
    expect(seen.size).toBe(2 + labels.length * (1 + (3 + 2 * kinds.length) * labels.length));

    // No namespace key falls inside BullMQ's keys for the tasks queue, even in namespace "bull".
    const bullQueue = `${keys.bullPrefix()}:${TASKS_QUEUE}`;
    for (const key of seen.keys()) {
      expect(key === bullQueue || key.startsWith(`${bullQueue}:`)).toBe(false);
    }
  });
});
