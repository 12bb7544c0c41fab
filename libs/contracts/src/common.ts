import { z } from 'zod';

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** A DNS-1123 label: what Kubernetes accepts as a name, so agents map 1:1 onto pods. */
export const DnsLabelSchema = z
  .string()
  .min(1, 'must not be empty')
  .max(63, 'must be at most 63 characters')
  .regex(
    DNS_LABEL,
    'must be a DNS-1123 label: lowercase letters, digits and "-", starting and ending with a letter or digit',
  );

/** An agent (or other resource) name. */
export const NameSchema = DnsLabelSchema.meta({
  description: 'DNS-1123 label, at most 63 characters',
  example: 'researcher',
});

/** A namespace name. */
export const NamespaceSchema = DnsLabelSchema.meta({
  description: 'Namespace (DNS-1123 label). Defaults to the server default namespace.',
  example: 'default',
});

/**
 * Free text: bounded, and well-formed Unicode. A lone surrogate cannot be stored or
 * forwarded to a model faithfully, so it is refused at the edge instead of being mangled.
 */
export function textSchema(maxLength: number) {
  return z
    .string()
    .max(maxLength, `must be at most ${maxLength} characters`)
    .refine((s) => s.isWellFormed(), 'must be well-formed Unicode (no lone surrogates)');
}

/** A Redis stream ID (`<ms>-<seq>`): the event cursor. */
const UINT64_MAX = 18446744073709551615n;
const EVENT_ID_PATTERN = /^(0|[1-9]\d{0,19})-(0|[1-9]\d{0,19})$/;
export const EventIdSchema = z
  .string()
  .regex(EVENT_ID_PATTERN, 'must be an event id such as "1700000000000-0"')
  // zod runs every check even after one failed, so this one must hold on any string.
  .refine(
    (id) => !EVENT_ID_PATTERN.test(id) || id.split('-').every((part) => BigInt(part) <= UINT64_MAX),
    'is out of range',
  )
  .meta({
    description: 'Event id (Redis stream ID), a monotonic cursor',
    example: '1700000000000-0',
  });

/** An ISO-8601 timestamp with milliseconds, always UTC. */
export const TimestampSchema = z.iso.datetime().meta({ example: '2026-01-01T00:00:00.000Z' });

/** Query of deleting a resource that agents attach by name: `?force=true` deletes it even then. */
export function forceDeleteQuerySchema(kind: string) {
  return z.object({
    namespace: NamespaceSchema.optional(),
    force: z
      .stringbool({ error: 'must be true or false' })
      .optional()
      .meta({ description: `Delete even when agents use the ${kind}` }),
  });
}
