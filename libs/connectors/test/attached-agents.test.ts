import type { AgentSpec } from '@komputer/contracts';
import type { AgentStore } from '@komputer/store';
import { MINIMAL_AGENT_SPEC } from '@komputer/testing';
import type { Redis } from 'ioredis';
import type { Registries } from '../src';
import { startRegistries } from './fixture';
import type { RegistriesFixture } from './fixture';

const NS = 'default';
/** Keys that only reading agents touches: an agent's hash, a namespace's agents, the namespaces. */
const AGENT_KEY = /^komputer:([^:]+:agent:[^:]+|[^:]+:agents|namespaces)$/;

let fixture: RegistriesFixture;
let redis: Redis;
let agents: AgentStore;
let registries: Registries;

beforeAll(async () => {
  fixture = await startRegistries();
  ({ redis, agents, registries } = fixture);
  const { memories, skills, connectors } = registries;
  for (const name of ['facts', 'ideas', 'notes']) {
    await memories.put(NS, name, { content: `the ${name}` });
  }
  await skills.put(NS, 'deploy', { content: 'how', description: 'deploys' });
  await connectors.putSecret(NS, 'token', { TOKEN: 'secret value' });
  await connectors.putConnector(NS, {
    name: 'echo',
    service: 'echo',
    url: 'http://127.0.0.1:9/mcp',
    type: 'mcp',
  });
  await create(NS, 'user-1', { memories: ['notes'], connectors: ['echo'], secretRefs: ['token'] });
  await create('team-c', 'user-2', {
    memories: ['default/notes', 'default/facts'],
    skills: ['default/deploy'],
  });
});

afterAll(async () => {
  await fixture.stop();
});

async function create(namespace: string, name: string, refs: Partial<AgentSpec> = {}) {
  const claim = await agents.claim({
    namespace,
    name,
    taskId: `task-${namespace}-${name}`,
    instructions: 'x',
    spec: { ...MINIMAL_AGENT_SPEC, ...refs },
    now: new Date().toISOString(),
  });
  expect(claim.outcome).toBe('created');
}

/** What `read` answers, and every command it sent to Redis. */
async function commandsOf<T>(read: () => Promise<T>): Promise<{ answer: T; commands: string[][] }> {
  const spy = jest.spyOn(redis, 'sendCommand');
  try {
    const answer = await read();
    const commands = spy.mock.calls.map(([command]) => [
      command.name,
      ...command.args.map((arg) => String(arg)),
    ]);
    return { answer, commands };
  } finally {
    spy.mockRestore();
  }
}

/** What each read of the resources' agents costs, and what it answers. */
async function reads(): Promise<Record<string, { answer: unknown; commands: string[][] }>> {
  const { memories, skills, connectors } = registries;
  return {
    listMemories: await commandsOf(() => memories.list(NS)),
    getMemory: await commandsOf(() => memories.get(NS, 'notes')),
    deleteMemoryInUse: await commandsOf(() =>
      memories.delete(NS, 'notes', false).catch((err: Error) => err.message),
    ),
    listSkills: await commandsOf(() => skills.list(NS)),
    listConnectors: await commandsOf(() => connectors.listConnectors(NS)),
    getConnector: await commandsOf(() => connectors.getConnector(NS, 'echo')),
    listSecrets: await commandsOf(() => connectors.listSecrets(NS)),
  };
}

it('reads no agent, and as many commands with a thousand unrelated agents as with none', async () => {
  const before = await reads();
  // memories.list: the names, then each memory and its reverse index.
  expect(before['listMemories']?.commands.map(([name]) => name)).toEqual([
    'smembers',
    ...Array<string>(3).fill('hmget'),
    ...Array<string>(3).fill('smembers'),
  ]);
  expect(before['listMemories']?.answer).toMatchObject([
    { name: 'facts', attachedAgents: 1, agentNames: ['team-c/user-2'] },
    { name: 'ideas', attachedAgents: 0, agentNames: [] },
    { name: 'notes', attachedAgents: 2, agentNames: ['team-c/user-2', 'user-1'] },
  ]);
  expect(before['deleteMemoryInUse']?.answer).toBe(
    'memory "notes" is used by agents "team-c/user-2", "user-1"; ' +
      'detach it from them with PATCH, or delete with ?force=true',
  );
  expect(before['listSkills']?.answer).toMatchObject([{ agentNames: ['team-c/user-2'] }]);
  expect(before['listConnectors']?.answer).toMatchObject([{ agentNames: ['user-1'] }]);
  expect(before['listSecrets']?.answer).toMatchObject([{ agentNames: ['user-1'] }]);

  // Agents in other namespaces, and one here, that name resources of their own.
  for (let i = 0; i < 1_000; i++) {
    await create(`other-${i % 20}`, `agent-${i}`, { memories: ['own'], skills: ['own'] });
  }
  await create(NS, 'bystander', { memories: ['other-0/own'] });

  const after = await reads();
  for (const [read, { commands }] of Object.entries(after)) {
    expect([read, commands]).toEqual([read, before[read]?.commands]);
    for (const command of commands) {
      expect(command.filter((arg) => AGENT_KEY.test(arg))).toEqual([]);
    }
  }
  expect(after['listMemories']?.answer).toEqual(before['listMemories']?.answer);
});
