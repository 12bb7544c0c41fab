import { V1MicroTime } from '@kubernetes/client-node';
import type { V1Lease } from '@kubernetes/client-node';
import { agentLease, liveHolder } from './leases';

const agent = { namespace: 'default', name: 'writer', uid: 'u-1' };
const at = (ms: number) => new V1MicroTime(ms);

describe('agent leases', () => {
  it('is held while its last renewal is younger than its duration', () => {
    const lease = agentLease(agent, {
      namespace: 'komputer-agents',
      holder: 'scheduler-a',
      durationS: 10,
      now: at(1_000_000),
    });
    expect(liveHolder(lease, 1_000_000)).toBe('scheduler-a');
    expect(liveHolder(lease, 1_009_999)).toBe('scheduler-a');
    expect(liveHolder(lease, 1_010_000)).toBeUndefined();
    expect(liveHolder(undefined, 0)).toBeUndefined();
    // As client-node hands it back from the API server: a string with microseconds, whatever
    // its type says.
    const read = JSON.parse(
      JSON.stringify({ spec: { holderIdentity: 'b', leaseDurationSeconds: 5, renewTime: at(0) } }),
    ) as V1Lease;
    expect(typeof read.spec?.renewTime).toBe('string');
    expect(liveHolder(read, 4_999)).toBe('b');
    expect(liveHolder({ spec: { leaseDurationSeconds: 5, renewTime: at(0) } }, 0)).toBeUndefined();
  });

  it('counts a change of holder, keeps its acquire time while renewed, and writes microseconds', () => {
    const first = agentLease(agent, {
      namespace: 'komputer-agents',
      holder: 'a',
      durationS: 10,
      now: at(1_000),
    });
    expect(first).toMatchObject({
      metadata: {
        name: expect.stringMatching(/^default-writer-[0-9a-f]{8}$/),
        labels: { 'app.kubernetes.io/component': 'lease', 'komputer.ai/uid': 'u-1' },
      },
      spec: { holderIdentity: 'a', leaseDurationSeconds: 10, leaseTransitions: 0 },
    });
    const stored = { ...first, metadata: { ...first.metadata, resourceVersion: '7' } };
    const renewed = agentLease(agent, {
      namespace: 'komputer-agents',
      holder: 'a',
      durationS: 10,
      now: at(5_000),
      previous: stored,
    });
    expect(renewed.metadata?.resourceVersion).toBe('7');
    expect(renewed.spec?.acquireTime).toBe(first.spec?.acquireTime);
    expect(renewed.spec?.leaseTransitions).toBe(0);
    const taken = agentLease(agent, {
      namespace: 'komputer-agents',
      holder: 'b',
      durationS: 10,
      now: at(20_000),
      previous: renewed,
    });
    expect(taken.spec).toMatchObject({ holderIdentity: 'b', leaseTransitions: 1 });
    expect(JSON.parse(JSON.stringify(taken)).spec.renewTime).toBe('1970-01-01T00:00:20.000000Z');
  });
});
