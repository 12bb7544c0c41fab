import { decodeEvent } from '@komputer/store';
import type { StreamEntry } from '@komputer/store';

/**
 * One event ready to send: serialized once, then the same bytes go to every client that
 * receives it (an SSE client's frame is built once too, on first use).
 */
export interface RelayedEvent {
  id: string;
  type: string;
  data: Buffer;
  /** `id: …\ndata: …\n\n`, built by the first SSE client that sends it. */
  sse?: Buffer;
}

/** Decodes a stream entry into its envelope (as the REST API shows it) and serializes it. */
export function toRelayedEvent(
  namespace: string,
  agentName: string,
  entry: StreamEntry,
): RelayedEvent {
  const event = decodeEvent(namespace, agentName, entry);
  return { id: event.id, type: event.type, data: Buffer.from(JSON.stringify(event)) };
}
