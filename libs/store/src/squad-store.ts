import type { RedisClient } from '@komputer/service-kit';
import type { Keys } from './keys';
import { fromPairs } from './redis-hash';
import { LuaScript } from './script';
import { CHANGE_SQUAD, CREATE_SQUAD, DISSOLVE_SQUAD } from './squad-scripts';

/** A squad as stored in Redis. */
export interface SquadRecord {
  name: string;
  namespace: string;
  createdAt: string;
  /** Its members, by name. */
  members: string[];
  /** The member whose workspace the squad shares; absent while it has none. */
  home?: string;
  /** How long the squad outlives its last member, as given (e.g. `10m`). */
  orphanTTL?: string;
  /** Since when the squad has had no members. */
  orphanedSince?: string;
  breakUpRequested: boolean;
}

/** Why a squad's write was refused, as the store reports it. */
export type SquadRefusal =
  | { refused: 'exists' | 'nosquad' | 'breakingup' | 'toomany' }
  | { refused: 'noagent' | 'member' | 'notmember' | 'busy'; agent: string }
  | { refused: 'insquad'; agent: string; squad: string };

/** What {@link SquadStore.dissolve} did. */
export type DissolveResult =
  | { outcome: 'dissolved' | 'pending'; squad: SquadRecord }
  | { outcome: 'busy'; agent: string }
  | { outcome: 'nosquad' };

/** Options for {@link SquadStore}. */
export interface SquadStoreOptions {
  redis: RedisClient;
  keys: Keys;
  /** Most members one squad holds. */
  maxMembers: number;
}

const createScript = new LuaScript(CREATE_SQUAD, 2);
const changeScript = new LuaScript(CHANGE_SQUAD, 1);
const dissolveScript = new LuaScript(DISSOLVE_SQUAD, 2);

/** A squad in the every-squad index: `<namespace>/<name>` (names hold no "/"). */
export function squadMember(namespace: string, name: string): string {
  return `${namespace}/${name}`;
}

function decodeSquad(hash: Record<string, string>, members: string[]): SquadRecord | undefined {
  if (!hash['name']) return undefined;
  const optional = (key: 'home' | 'orphanTTL' | 'orphanedSince') =>
    hash[key] ? { [key]: hash[key] } : {};
  return {
    name: hash['name'],
    namespace: hash['namespace'] ?? '',
    createdAt: hash['createdAt'] ?? '',
    members: [...members].sort(),
    breakUpRequested: hash['breakUpRequested'] === '1',
    ...optional('home'),
    ...optional('orphanTTL'),
    ...optional('orphanedSince'),
  };
}

function refusal(reply: string[]): SquadRefusal {
  const [why, agent = '', squad = ''] = reply;
  if (why === 'insquad') return { refused: why, agent, squad };
  if (why === 'noagent' || why === 'member' || why === 'notmember' || why === 'busy') {
    return { refused: why, agent };
  }
  return { refused: why as 'exists' | 'nosquad' | 'breakingup' | 'toomany' };
}

/**
 * Squads in Redis. Every change of a squad's members is one step that checks the members'
 * records too (they exist, are in no other squad, are idle) and writes the squad and them.
 */
export class SquadStore {
  private readonly redis: RedisClient;
  private readonly keys: Keys;
  private readonly maxMembers: number;

  constructor(options: SquadStoreOptions) {
    this.redis = options.redis;
    this.keys = options.keys;
    this.maxMembers = options.maxMembers;
  }

  /** Reads one squad, or undefined. */
  async get(namespace: string, name: string): Promise<SquadRecord | undefined> {
    const key = this.keys.squad(namespace, name);
    const [[hashErr, hash], [membersErr, members]] = (await this.redis
      .pipeline()
      .hgetall(key)
      .smembers(`${key}:members`)
      .exec()) as [[Error | null, Record<string, string>], [Error | null, string[]]];
    if (hashErr) throw hashErr;
    if (membersErr) throw membersErr;
    return decodeSquad(hash, members);
  }

  /** Every squad in a namespace, by name. */
  async list(namespace: string): Promise<SquadRecord[]> {
    const names = (await this.redis.smembers(this.keys.squads(namespace))).sort();
    const squads = await Promise.all(names.map((name) => this.get(namespace, name)));
    return squads.filter((squad): squad is SquadRecord => squad !== undefined);
  }

  /** Every squad of every namespace, as `{namespace, name}`, for the reconciler. */
  async all(): Promise<{ namespace: string; name: string }[]> {
    return (await this.redis.smembers(this.keys.allSquads())).flatMap((member) => {
      const [namespace, name] = member.split('/');
      return namespace && name ? [{ namespace, name }] : [];
    });
  }

  /** Creates a squad with its members; the first one is its home. */
  async create(input: {
    namespace: string;
    name: string;
    members: readonly string[];
    orphanTTL?: string;
  }): Promise<SquadRecord | SquadRefusal> {
    const { namespace, name } = input;
    // Listed first, so that the reconciler never misses a squad that exists, even should this
    // process stop right after the step; a create refused takes it out again.
    await this.redis.sadd(this.keys.allSquads(), squadMember(namespace, name));
    const reply = (await createScript.run(
      this.redis,
      [this.keys.squad(namespace, name), this.keys.squads(namespace)],
      [
        name,
        namespace,
        new Date().toISOString(),
        input.orphanTTL ?? '',
        this.keys.agent(namespace, ''),
        this.maxMembers,
        ...input.members,
      ],
    )) as string[];
    if (reply[0] === 'ok') return this.read(namespace, name);
    await this.unlist(namespace, name);
    return refusal(reply);
  }

  /**
   * Adds members, removes members, or replaces them all, and changes the `orphanTTL` (`null`
   * removes it, undefined keeps it).
   */
  async change(input: {
    namespace: string;
    name: string;
    mode: 'add' | 'remove' | 'replace';
    members: readonly string[];
    orphanTTL?: string | null;
  }): Promise<SquadRecord | SquadRefusal> {
    const { namespace, name } = input;
    const ttl = input.orphanTTL === null ? '-' : (input.orphanTTL ?? '');
    const reply = (await changeScript.run(
      this.redis,
      [this.keys.squad(namespace, name)],
      [
        new Date().toISOString(),
        input.mode,
        ttl,
        this.keys.agent(namespace, ''),
        this.maxMembers,
        ...input.members,
      ],
    )) as string[];
    return reply[0] === 'ok' ? this.read(namespace, name) : refusal(reply);
  }

  /**
   * Dissolves the squad once no member has a task: a break-up that finds one busy is recorded
   * (`pending`), a delete is refused (`busy`); an expiry is refused (`busy`) while the squad has
   * members at all.
   */
  async dissolve(
    namespace: string,
    name: string,
    mode: 'breakup' | 'delete' | 'expire',
  ): Promise<DissolveResult> {
    const reply = (await dissolveScript.run(
      this.redis,
      [this.keys.squad(namespace, name), this.keys.squads(namespace)],
      [mode, this.keys.agent(namespace, '')],
    )) as [string, string[] | string, string[]?];
    if (reply[0] === 'dissolved' || reply[0] === 'nosquad') await this.unlist(namespace, name);
    if (reply[0] === 'busy') return { outcome: 'busy', agent: String(reply[1]) };
    const squad =
      reply[0] === 'nosquad'
        ? undefined
        : decodeSquad(fromPairs(reply[1] as string[]), reply[2] ?? []);
    if (!squad) return { outcome: 'nosquad' };
    return { outcome: reply[0] === 'pending' ? 'pending' : 'dissolved', squad };
  }

  /**
   * Takes a squad that is gone out of every squad's, unless a squad of its name has been created
   * since: a create lists it before its step, and this check follows the removal.
   */
  private async unlist(namespace: string, name: string): Promise<void> {
    const member = squadMember(namespace, name);
    await this.redis.srem(this.keys.allSquads(), member);
    if ((await this.redis.exists(this.keys.squad(namespace, name))) === 1) {
      await this.redis.sadd(this.keys.allSquads(), member);
    }
  }

  /** The squad just written: it exists (the step that wrote it answered ok). */
  private async read(namespace: string, name: string): Promise<SquadRecord | SquadRefusal> {
    return (await this.get(namespace, name)) ?? { refused: 'nosquad' };
  }
}

/** Whether a squad store's answer is a refusal. */
export function isSquadRefusal(answer: SquadRecord | SquadRefusal): answer is SquadRefusal {
  return 'refused' in answer;
}
