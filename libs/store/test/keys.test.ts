import { TASKS_QUEUE } from '@komputer/contracts';
import { createKeys } from '../src';

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
    expect(createKeys('other').agent('a', 'b')).toBe('other:a:agent:b');
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
    add(keys.namespaces(), 'namespaces');
    for (const ns of labels) {
      add(keys.agents(ns), `agents ${ns}`);
      for (const name of labels) {
        add(keys.agent(ns, name), `agent ${ns}/${name}`);
        add(keys.events(ns, name), `events ${ns}/${name}`);
      }
    }
    expect(seen.size).toBe(1 + labels.length * (1 + 2 * labels.length));

    // No namespace key falls inside BullMQ's keys for the tasks queue, even in namespace "bull".
    const bullQueue = `${keys.bullPrefix()}:${TASKS_QUEUE}`;
    for (const key of seen.keys()) {
      expect(key === bullQueue || key.startsWith(`${bullQueue}:`)).toBe(false);
    }
  });
});
