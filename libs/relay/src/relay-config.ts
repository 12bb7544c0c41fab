import { BaseConfigSchema } from '@komputer/service-kit';
import { z } from 'zod';

const ms = (min: number, max: number, fallback: number) =>
  z.coerce.number().int().min(min).max(max).default(fallback);

/**
 * The relay's tunables. Every app that serves the live event routes (the gateway and
 * event-relay) takes them from its environment.
 */
export const RelaySettingsSchema = z.object({
  /**
   * Bytes that may wait in a connection's user-space send buffer (beyond what the kernel holds).
   * A live client past it is closed with SLOW_CONSUMER; it never delays other clients.
   */
  KOMPUTER_RELAY_SEND_BUFFER_BYTES: z.coerce
    .number()
    .int()
    .min(16 * 1024)
    .max(256 * 1024 * 1024)
    .default(1024 * 1024),
  /** WebSocket ping interval; a peer that has not answered the previous ping is dropped. */
  KOMPUTER_RELAY_PING_INTERVAL_MS: ms(100, 600_000, 30_000),
  /** How often an SSE stream gets a comment line, so that proxies keep it open. */
  KOMPUTER_RELAY_SSE_HEARTBEAT_MS: ms(100, 600_000, 15_000),
  /** How long a closing connection may take to flush before it is destroyed. */
  KOMPUTER_RELAY_CLOSE_GRACE_MS: ms(10, 60_000, 5_000),
  /** Connections one relay holds at most (WebSocket and SSE together). */
  KOMPUTER_RELAY_MAX_CONNECTIONS: z.coerce.number().int().min(1).max(1_000_000).default(10_000),
  /** Entries read per stream per Redis call (capped at KOMPUTER_EVENTS_MAXLEN). */
  KOMPUTER_RELAY_READ_COUNT: z.coerce.number().int().min(1).max(10_000).default(500),
  /** A group member's pending events are taken over by a live member after this idle time. */
  KOMPUTER_RELAY_GROUP_CLAIM_IDLE_MS: ms(50, 3_600_000, 30_000),
  /** How often `/events/ws?match=` looks for new agents. */
  KOMPUTER_RELAY_DISCOVERY_INTERVAL_MS: ms(50, 600_000, 2_000),
  /** Agents one `/events/ws` socket follows at most (through `agents` and `match`). */
  KOMPUTER_RELAY_MAX_AGENTS_PER_SOCKET: z.coerce.number().int().min(1).max(100_000).default(1_000),
});
export type RelaySettings = z.infer<typeof RelaySettingsSchema>;

/** What {@link createRelay} reads: the shared service settings and the relay's own. */
export const RelayConfigSchema = BaseConfigSchema.extend(RelaySettingsSchema.shape);
export type RelayConfig = z.infer<typeof RelayConfigSchema>;
