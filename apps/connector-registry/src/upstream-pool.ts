import { createHash } from 'node:crypto';
import { connectMcp } from '@komputer/connectors';
import type { Upstream } from '@komputer/connectors';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';

/** Options for {@link UpstreamPool}. */
export interface UpstreamPoolOptions {
  /** Most clients kept connected; past it the least recently used one is closed. */
  maxClients: number;
  /** Bound on connecting to a server. */
  connectTimeoutMs: number;
}

interface Entry {
  /** Which server and credential the client was connected with. */
  fingerprint: string;
  client: Promise<Client>;
}

/** A hash of where a client connects and with what: a rotated secret gets a new client. */
function fingerprintOf(upstream: Upstream): string {
  return createHash('sha256')
    .update(JSON.stringify([upstream.url, Object.entries(upstream.headers).sort()]))
    .digest('base64url');
}

/**
 * The registry's MCP clients of the connectors' servers, one per connector, kept connected
 * between calls, so that a tool call costs one request upstream and not a new MCP session. It
 * is bounded: past `maxClients` the least recently used client is closed. A client whose server
 * or credential changed is replaced; one that failed is dropped, so that the next call connects
 * again.
 */
export class UpstreamPool {
  /** In order of last use, oldest first. */
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly options: UpstreamPoolOptions) {}

  /** A connected client of `upstream`, for connector `key` ("namespace/name"). */
  async client(key: string, upstream: Upstream): Promise<Client> {
    const fingerprint = fingerprintOf(upstream);
    const found = this.entries.get(key);
    if (found) this.entries.delete(key);
    if (found && found.fingerprint === fingerprint) {
      this.entries.set(key, found);
      return found.client;
    }
    if (found) closeQuietly(found.client);
    const client = connectMcp({ ...upstream, timeoutMs: this.options.connectTimeoutMs });
    const entry = { fingerprint, client };
    this.entries.set(key, entry);
    // A failed connect is not kept: the next call tries again.
    client.catch(() => {
      if (this.entries.get(key) === entry) this.entries.delete(key);
    });
    while (this.entries.size > this.options.maxClients) {
      const [oldest, evicted] = this.entries.entries().next().value as [string, Entry];
      this.entries.delete(oldest);
      closeQuietly(evicted.client);
    }
    return client;
  }

  /** Closes connector `key`'s client, after a failure or when the connector changed. */
  drop(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    closeQuietly(entry.client);
  }

  /** How many clients are kept. */
  get size(): number {
    return this.entries.size;
  }

  /** Closes every client. Idempotent. */
  async close(): Promise<void> {
    const clients = [...this.entries.values()].map((entry) => entry.client);
    this.entries.clear();
    await Promise.all(
      clients.map((client) => client.then((c) => c.close()).catch(() => undefined)),
    );
  }
}

function closeQuietly(client: Promise<Client>): void {
  client.then((c) => c.close()).catch(() => undefined);
}
