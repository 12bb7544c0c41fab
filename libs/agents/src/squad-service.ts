import { squadMemberName } from '@komputer/contracts';
import type {
  AddSquadMemberRequest,
  CreateSquadRequest,
  PatchSquadRequest,
  SquadMember,
  SquadResponse,
} from '@komputer/contracts';
import { AppError } from '@komputer/service-kit';
import type { Logger } from '@komputer/service-kit';
import { isSquadRefusal } from '@komputer/store';
import type { AgentStore, SquadRecord, SquadRefusal, SquadStore } from '@komputer/store';

/** Dependencies of {@link SquadService}. */
export interface SquadServiceOptions {
  squads: SquadStore;
  agents: AgentStore;
  logger: Logger;
}

function squadNotFound(namespace: string, name: string): AppError {
  return new AppError(
    'SQUAD_NOT_FOUND',
    404,
    `squad "${name}" not found in namespace "${namespace}"`,
    { retryable: false },
  );
}

/** The API error for what the store refused. */
function refused(namespace: string, squad: string, refusal: SquadRefusal): AppError {
  const conflict = (code: 'SQUAD_EXISTS' | 'SQUAD_MEMBER_CONFLICT' | 'SQUAD_BUSY', msg: string) =>
    new AppError(code, 409, msg, { retryable: code === 'SQUAD_BUSY' });
  switch (refusal.refused) {
    case 'exists':
      return conflict(
        'SQUAD_EXISTS',
        `squad "${squad}" already exists in namespace "${namespace}"`,
      );
    case 'nosquad':
      return squadNotFound(namespace, squad);
    case 'breakingup':
      return conflict(
        'SQUAD_BUSY',
        `squad "${squad}" is breaking up: its members cannot change; create another squad`,
      );
    case 'toomany':
      return new AppError(
        'VALIDATION_FAILED',
        400,
        `squad "${squad}" would have too many members`,
        {
          retryable: false,
        },
      );
    case 'noagent':
      return new AppError(
        'AGENT_NOT_FOUND',
        404,
        `agent "${refusal.agent}" not found in namespace "${namespace}"`,
        { retryable: false },
      );
    case 'notmember':
      return new AppError(
        'AGENT_NOT_FOUND',
        404,
        `agent "${refusal.agent}" is not a member of squad "${squad}"`,
        { retryable: false },
      );
    case 'member':
      return conflict(
        'SQUAD_MEMBER_CONFLICT',
        `agent "${refusal.agent}" is a member of squad "${squad}" already`,
      );
    case 'insquad':
      return conflict(
        'SQUAD_MEMBER_CONFLICT',
        `agent "${refusal.agent}" is a member of squad "${refusal.squad}"; an agent is in one squad at most`,
      );
    case 'busy':
      return conflict(
        'SQUAD_BUSY',
        `agent "${refusal.agent}" has a task queued or running; a squad's members change only while none has, since their workspace changes`,
      );
  }
}

/** The names that members list, each in the squad's namespace (400 for another). */
function memberNames(namespace: string, members: readonly SquadMember[], field: string): string[] {
  return members.map((member, i) => {
    const other = member.ref?.namespace;
    if (other !== undefined && other !== namespace) {
      const message = `must be the squad's namespace "${namespace}": a squad's members share a workspace in one namespace`;
      throw new AppError('VALIDATION_FAILED', 400, `${field}[${i}].ref.namespace: ${message}`, {
        details: { issues: [{ path: `${field}[${i}].ref.namespace`, message }] },
        retryable: false,
      });
    }
    return squadMemberName(member);
  });
}

/**
 * Squads: agents that share one workspace (their home member's), and run one task at a time.
 * Every change goes through one atomic step of the store, which checks the members too.
 */
export class SquadService {
  constructor(private readonly options: SquadServiceOptions) {}

  /** Every squad of the namespace, by name. */
  async list(namespace: string): Promise<SquadResponse[]> {
    const squads = await this.options.squads.list(namespace);
    return Promise.all(squads.map((squad) => this.present(squad)));
  }

  async get(namespace: string, name: string): Promise<SquadResponse> {
    const squad = await this.options.squads.get(namespace, name);
    if (!squad) throw squadNotFound(namespace, name);
    return this.present(squad);
  }

  async create(namespace: string, body: CreateSquadRequest): Promise<SquadResponse> {
    const members = memberNames(namespace, body.members, 'body.members');
    const answer = await this.options.squads.create({
      namespace,
      name: body.name,
      members,
      ...(body.orphanTTL !== undefined ? { orphanTTL: body.orphanTTL } : {}),
    });
    if (isSquadRefusal(answer)) throw refused(namespace, body.name, answer);
    this.options.logger.info({ namespace, squad: body.name, members }, 'squad created');
    return this.present(answer);
  }

  async patch(namespace: string, name: string, body: PatchSquadRequest): Promise<SquadResponse> {
    const members = body.members && memberNames(namespace, body.members, 'body.members');
    const answer = await this.options.squads.change({
      namespace,
      name,
      // Without a member list nothing is added or removed: the change is the orphanTTL alone.
      mode: members ? 'replace' : 'add',
      members: members ?? [],
      ...(body.orphanTTL !== undefined ? { orphanTTL: body.orphanTTL || null } : {}),
    });
    if (isSquadRefusal(answer)) throw refused(namespace, name, answer);
    return this.present(answer);
  }

  async addMember(
    namespace: string,
    name: string,
    body: AddSquadMemberRequest,
  ): Promise<SquadResponse> {
    const members = memberNames(namespace, [body], 'body');
    const answer = await this.options.squads.change({ namespace, name, mode: 'add', members });
    if (isSquadRefusal(answer)) throw refused(namespace, name, answer);
    return this.present(answer);
  }

  async removeMember(namespace: string, name: string, agent: string): Promise<SquadResponse> {
    const answer = await this.options.squads.change({
      namespace,
      name,
      mode: 'remove',
      members: [agent],
    });
    if (isSquadRefusal(answer)) throw refused(namespace, name, answer);
    return this.present(answer);
  }

  /**
   * Breaks the squad up: at once when no member has a task, else once their tasks have ended
   * (the reconciler finishes it). The answer shows the squad, `Dissolved` or `BreakingUp`.
   */
  async breakUp(namespace: string, name: string): Promise<SquadResponse> {
    const result = await this.options.squads.dissolve(namespace, name, 'breakup');
    if (result.outcome === 'nosquad') throw squadNotFound(namespace, name);
    if (result.outcome === 'busy') throw refused(namespace, name, { refused: 'busy', ...result });
    this.options.logger.info({ namespace, squad: name, outcome: result.outcome }, 'squad break-up');
    return this.present(result.squad, result.outcome === 'dissolved');
  }

  /** Deletes the squad at once; 409 while a member has a task. The members stay. */
  async delete(namespace: string, name: string): Promise<void> {
    const result = await this.options.squads.dissolve(namespace, name, 'delete');
    if (result.outcome === 'nosquad') throw squadNotFound(namespace, name);
    if (result.outcome === 'busy') throw refused(namespace, name, { refused: 'busy', ...result });
    this.options.logger.info({ namespace, squad: name }, 'squad deleted');
  }

  /** A squad as the API shows it, with its members' states. */
  private async present(squad: SquadRecord, dissolved = false): Promise<SquadResponse> {
    const records = await this.options.agents.getMany(squad.namespace, squad.members);
    const byName = new Map(records.map((agent) => [agent.name, agent]));
    const phase = dissolved
      ? 'Dissolved'
      : squad.breakUpRequested
        ? 'BreakingUp'
        : squad.members.length === 0
          ? 'Orphaned'
          : 'Active';
    return {
      name: squad.name,
      namespace: squad.namespace,
      phase,
      members: squad.members.map((name) => {
        const agent = byName.get(name);
        return {
          name,
          ready: agent?.status === 'Running',
          ...(agent ? { taskStatus: agent.taskStatus } : {}),
        };
      }),
      ...(squad.home !== undefined && !dissolved ? { home: squad.home } : {}),
      breakUpRequested: squad.breakUpRequested,
      ...(squad.orphanTTL !== undefined ? { orphanTTL: squad.orphanTTL } : {}),
      ...(squad.orphanedSince !== undefined ? { orphanedSince: squad.orphanedSince } : {}),
      createdAt: squad.createdAt,
    };
  }
}
