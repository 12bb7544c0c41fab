import { z } from 'zod';
import { TaskStatusSchema } from './agents';
import { NameSchema, NamespaceSchema, TimestampSchema } from './common';

/** Most members one squad holds. */
export const MAX_SQUAD_MEMBERS = 16;

/** Longest `orphanTTL`: a year. */
const MAX_ORPHAN_TTL_MS = 365 * 24 * 3600_000;

const DURATION_UNITS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3600_000 };
const DURATION = /^(\d+(?:\.\d+)?(?:ms|s|m|h))+$/;

/**
 * A duration as Go writes it (`90s`, `10m`, `1h30m`), in milliseconds; undefined when the text
 * is not one.
 */
export function parseDuration(text: string): number | undefined {
  if (!DURATION.test(text)) return undefined;
  let ms = 0;
  for (const [, amount, unit] of text.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)) {
    ms += Number(amount) * (DURATION_UNITS[unit ?? ''] ?? 0);
  }
  return ms;
}

/** `orphanTTL`: how long a squad without members is kept before it is deleted. */
export const OrphanTtlSchema = z
  .string()
  .refine((text) => {
    const ms = parseDuration(text);
    return ms !== undefined && ms <= MAX_ORPHAN_TTL_MS;
  }, 'must be a duration such as "90s", "10m" or "1h30m", at most a year')
  .meta({
    description:
      'How long the squad is kept once it has no members (then it is deleted); without it, it is kept until deleted',
    example: '10m',
  });

/** A squad member named by reference (the reference `KomputerSquadMemberRef`). */
export const SquadMemberRefSchema = z
  .object({
    name: NameSchema,
    namespace: NamespaceSchema.optional().meta({
      description: 'Defaults to the squad’s namespace, and must be it',
    }),
  })
  .meta({ id: 'SquadMemberRef' });

/**
 * One member of a squad's create or patch (the reference `KomputerSquadMember`): an existing
 * agent by `ref`. An inline `spec` is refused: create the agent, then add it by `ref`.
 */
export const SquadMemberSchema = z
  .object({
    name: NameSchema.optional().meta({
      description: 'The agent’s name; for an existing agent `ref.name` wins',
    }),
    ref: SquadMemberRefSchema.optional(),
    spec: z.record(z.string(), z.unknown()).optional().meta({
      description: 'Not supported: create the agent with POST /agents, then add it by ref',
    }),
  })
  .refine((member) => member.spec === undefined, {
    message:
      'an inline agent spec is not supported: create the agent with POST /agents, then add it by ref',
    path: ['spec'],
  })
  .refine((member) => member.ref !== undefined || member.name !== undefined, {
    message: 'name the member with ref (or name)',
    path: ['ref'],
  })
  .meta({ id: 'SquadMember' });
export type SquadMember = z.infer<typeof SquadMemberSchema>;

/** The agent a member names. */
export function squadMemberName(member: SquadMember): string {
  return member.ref?.name ?? member.name ?? '';
}

const MembersSchema = z
  .array(SquadMemberSchema)
  .max(MAX_SQUAD_MEMBERS, `must list at most ${MAX_SQUAD_MEMBERS} members`)
  .refine(
    (members) => new Set(members.map(squadMemberName)).size === members.length,
    'must not list an agent twice',
  );

/** `POST /squads`. */
export const CreateSquadRequestSchema = z
  .object({
    name: NameSchema,
    namespace: NamespaceSchema.optional(),
    members: MembersSchema.meta({
      description: 'The agents that share one workspace; the first one’s workspace is shared',
    }),
    orphanTTL: OrphanTtlSchema.optional(),
  })
  .meta({ id: 'CreateSquadRequest' });
export type CreateSquadRequest = z.infer<typeof CreateSquadRequestSchema>;

/** `PATCH /squads/{name}`: the member list, replaced whole, and/or `orphanTTL`. */
export const PatchSquadRequestSchema = z
  .object({
    members: MembersSchema.optional(),
    orphanTTL: z
      .union([OrphanTtlSchema, z.literal('')])
      .optional()
      .meta({ description: 'A duration, or "" to remove it' }),
  })
  .meta({ id: 'PatchSquadRequest' });
export type PatchSquadRequest = z.infer<typeof PatchSquadRequestSchema>;

/** `POST /squads/{name}/members`. */
export const AddSquadMemberRequestSchema = SquadMemberSchema.meta({ id: 'AddSquadMemberRequest' });
export type AddSquadMemberRequest = z.infer<typeof AddSquadMemberRequestSchema>;

export const SquadMemberResponseSchema = z
  .object({
    name: z.string(),
    ready: z.boolean().meta({ description: 'Whether the member’s runtime is running' }),
    taskStatus: TaskStatusSchema.optional(),
  })
  .meta({ id: 'SquadMemberResponse' });
export type SquadMemberResponse = z.infer<typeof SquadMemberResponseSchema>;

/** A squad (the reference `SquadResponse`, plus `home`). */
export const SquadResponseSchema = z
  .object({
    name: z.string(),
    namespace: z.string(),
    phase: z.enum(['Active', 'Orphaned', 'BreakingUp', 'Dissolved']).meta({
      description:
        '`Active` with members; `Orphaned` without any; `BreakingUp` once a break-up waits for its members’ tasks to end; `Dissolved` in the answer of the break-up that ended it',
    }),
    members: z.array(SquadMemberResponseSchema),
    home: z.string().optional().meta({
      description: 'The member whose workspace the squad shares (komputer extension)',
    }),
    breakUpRequested: z.boolean(),
    orphanTTL: z.string().optional(),
    orphanedSince: TimestampSchema.optional(),
    podName: z.string().optional().meta({
      description: 'Never set: each member keeps a runtime of its own (there is no shared pod)',
    }),
    message: z.string().optional(),
    createdAt: TimestampSchema,
  })
  .meta({ id: 'SquadResponse' });
export type SquadResponse = z.infer<typeof SquadResponseSchema>;

export const SquadListResponseSchema = z
  .object({ squads: z.array(SquadResponseSchema) })
  .meta({ id: 'SquadListResponse' });
export type SquadListResponse = z.infer<typeof SquadListResponseSchema>;
