import { BaseConfigSchema } from '@komputer/service-kit';
import { z } from 'zod';

const ms = (min: number, max: number, fallback: number, description: string) =>
  z.coerce.number().int().min(min).max(max).default(fallback).describe(description);

/**
 * The relay's tunables. Every app that serves the live event routes (the gateway and
 * event-relay) takes them from its environment.
 */
export const RelaySettingsSchema = z.object({
  KOMPUTER_RELAY_SEND_BUFFER_BYTES: z.coerce
    .number()
    .int()
    .min(16 * 1024)
    .max(256 * 1024 * 1024)
    .default(1024 * 1024)
    .describe(
      "Bytes that may wait in a live connection's send buffer (beyond what the kernel holds); a client past it is closed with `4429 SLOW_CONSUMER` and never delays the others",
    ),
  KOMPUTER_RELAY_PING_INTERVAL_MS: ms(
    100,
    600_000,
    30_000,
    'WebSocket ping interval; a peer that has not answered the previous ping is dropped',
  ),
  KOMPUTER_RELAY_SSE_HEARTBEAT_MS: ms(
    100,
    600_000,
    15_000,
    'How often an SSE stream gets a comment line, so that proxies keep it open',
  ),
  KOMPUTER_RELAY_CLOSE_GRACE_MS: ms(
    10,
    60_000,
    5_000,
    'How long a closing connection may flush before it is destroyed',
  ),
  KOMPUTER_RELAY_MAX_CONNECTIONS: z.coerce
    .number()
    .int()
    .min(1)
    .max(1_000_000)
    .default(10_000)
    .describe(
      'Live connections one process holds at most (WebSocket and SSE together); more get `4503`/`503`',
    ),
  KOMPUTER_RELAY_READ_COUNT: z.coerce
    .number()
    .int()
    .min(1)
    .max(10_000)
    .default(500)
    .describe('Entries read per stream per Redis call (capped at `KOMPUTER_EVENTS_MAXLEN`)'),
  KOMPUTER_RELAY_STREAMS_PER_READ: z.coerce
    .number()
    .int()
    .min(1)
    .max(10_000)
    .default(16)
    .describe(
      'Most agent streams that one blocking read follows; the relay opens a connection per such shard, so that an event costs a read over its shard only',
    ),
  KOMPUTER_RELAY_GROUP_CLAIM_IDLE_MS: ms(
    50,
    3_600_000,
    30_000,
    "A consumer group member's unacknowledged events go to a live member after this idle time",
  ),
  KOMPUTER_RELAY_DISCOVERY_INTERVAL_MS: ms(
    50,
    600_000,
    2_000,
    'How often `/events/ws?match=` looks for new agents',
  ),
  KOMPUTER_RELAY_KEY_RECHECK_MS: ms(
    100,
    3_600_000,
    30_000,
    'With API keys on, how often the relay checks that the keys of its open streams are neither revoked nor rotated: the bound on how long such a stream stays open should the change notice be missed',
  ),
  KOMPUTER_RELAY_MAX_AGENTS_PER_SOCKET: z.coerce
    .number()
    .int()
    .min(1)
    .max(100_000)
    .default(1_000)
    .describe('Agents one `/events/ws` socket follows at most (through `agents` and `match`)'),
});
export type RelaySettings = z.infer<typeof RelaySettingsSchema>;

/** What {@link createRelay} reads: the shared service settings and the relay's own. */
export const RelayConfigSchema = BaseConfigSchema.extend(RelaySettingsSchema.shape);
export type RelayConfig = z.infer<typeof RelayConfigSchema>;
