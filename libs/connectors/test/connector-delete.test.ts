import { MissingConnectorError } from '@komputer/store';
import type { AgentStore } from '@komputer/store';
import { MINIMAL_AGENT_SPEC } from '@komputer/testing';
import type { Redis } from 'ioredis';
import type { Registries } from '../src';
import { keys, startRegistries } from './fixture';
import type { RegistriesFixture } from './fixture';

const NS = 'default';

let fixture: RegistriesFixture;
let redis: Redis;
let agents: AgentStore;
let registries: Registries;

beforeAll(async () => {
  fixture = await startRegistries();
  ({ redis, agents, registries } = fixture);
});

afterAll(async () => {
  await fixture.stop();
});

const connector = (name: string) =>
  registries.connectors.putConnector(NS, {
    name,
    service: 'echo',
    url: 'http://127.0.0.1:9/mcp',
  });

/** What an agent's write did: it names the connector, or it was refused for its absence. */
function outcomeOf(write: PromiseSettledResult<unknown>): 'named' | 'refused' {
  if (write.status === 'fulfilled') return 'named';
  if (write.reason instanceof MissingConnectorError) return 'refused';
  throw write.reason;
}

describe('deleting a connector while agents come to name it', () => {
  it('either refuses the delete (409) or the agent’s write, never lets both through', async () => {
    const created = await agents.claim({
      namespace: NS,
      name: 'patcher',
      taskId: 'task-0',
      instructions: 'x',
      spec: MINIMAL_AGENT_SPEC,
      now: new Date().toISOString(),
    });
    expect(created.outcome).toBe('created');
    for (let i = 0; i < 50; i++) {
      const name = `c-${i}`;
      await connector(name);
      // The agents service checks first, then writes: the write races the delete.
      const [remove, patch, create] = await Promise.allSettled([
        registries.connectors.deleteConnector(NS, name, false),
        agents.patch(NS, 'patcher', { connectors: [name] }),
        agents.claim({
          namespace: NS,
          name: `creator-${i}`,
          taskId: `task-${i}`,
          instructions: 'x',
          spec: { ...MINIMAL_AGENT_SPEC, connectors: [name] },
          now: new Date().toISOString(),
        }),
      ]);
      const exists = (await redis.exists(keys.connector(NS, name))) === 1;
      const named = [patch, create].map(outcomeOf);
      if (remove.status === 'fulfilled') {
        expect({ i, exists, named }).toEqual({ i, exists: false, named: expect.any(Array) });
        // Whatever names it now was refused: nothing names a connector that is gone.
        const users = await agents.attachedAgents('connector', NS, [name]);
        expect({ i, users }).toEqual({ i, users: [[]] });
        expect(named.every((n) => n === 'refused')).toBe(true);
      } else {
        expect(remove.reason).toMatchObject({ code: 'CONNECTOR_IN_USE', status: 409 });
        expect({ i, exists }).toEqual({ i, exists: true });
        expect(named).toContain('named');
      }
      await agents.patch(NS, 'patcher', { connectors: [] });
    }
  });

  it('refuses an agent naming a connector that is gone, and writes nothing of it', async () => {
    await expect(
      agents.claim({
        namespace: NS,
        name: 'late',
        taskId: 'task-late',
        instructions: 'x',
        spec: { ...MINIMAL_AGENT_SPEC, connectors: ['never-was'] },
        now: new Date().toISOString(),
      }),
    ).rejects.toThrow('connector "never-was" does not exist in namespace "default"');
    expect(await agents.get(NS, 'late')).toBeUndefined();
    await expect(agents.patch(NS, 'patcher', { connectors: ['never-was'] })).rejects.toBeInstanceOf(
      MissingConnectorError,
    );
    expect((await agents.get(NS, 'patcher'))?.spec.connectors).toEqual([]);
  });
});
