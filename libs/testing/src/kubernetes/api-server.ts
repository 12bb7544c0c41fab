import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import type { Kubelet } from './kubelet';
import type { LogQuery } from './log-buffer';
import type { DeleteOptions, Registry } from './registry';
import type { KubeObject, ResourceDef } from './resources';
import { apiGroups, apiVersionOf, findResource, resourceList } from './resources';
import { openApiDocument, openApiRoot } from './openapi';
import { parseFieldSelector, parseLabelSelector, selectorMatcher } from './selectors';
import type { Matcher } from './selectors';
import {
  badRequest,
  KubeApiError,
  methodNotAllowed,
  pathNotFound,
  unsupportedMediaType,
} from './status';
import type { StoreChange } from './store';
import { CHANNEL_PROTOCOLS, serveChannels } from './streams';
import { toTable, wantsTable } from './table';
import type { IncludeObject } from './table';

/** Settings of the {@link ApiServer}. */
export interface ApiServerOptions {
  /** `host:port`, for discovery's serverAddressByClientCIDRs. */
  address: () => string;
  /** How often a watch that allows bookmarks gets one. */
  bookmarkIntervalMs: number;
  /** The version `/version` reports. */
  gitVersion: string;
}

const MAX_BODY_BYTES = 3 * 1024 * 1024;

/** A request's target, once its path is parsed. */
interface Target {
  def: ResourceDef;
  namespace?: string;
  name?: string;
  subresource?: string;
  /** `/api/v1/watch/...`, the deprecated watch paths. */
  watchPath: boolean;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function sendJson(res: ServerResponse, code: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(code, {
    'content-type': 'application/json',
    'cache-control': 'no-cache, private',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(
          new KubeApiError({
            kind: 'Status',
            apiVersion: 'v1',
            metadata: {},
            status: 'Failure',
            message: 'the server has received too large a request body',
            reason: 'RequestEntityTooLarge',
            code: 413,
          }),
        );
        req.destroy();
      } else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

// Typed clients (kubectl's create generators among them) send protobuf or CBOR; the emulator
// decodes JSON only, and says so as the real server says it of a type it cannot decode.
function checkBodyType(req: IncomingMessage): void {
  const type = (req.headers['content-type'] ?? 'application/json').split(';')[0]?.trim() ?? '';
  if (
    type === 'application/json' ||
    type === '' ||
    type.endsWith('+json') ||
    type === 'application/apply-patch+yaml'
  ) {
    return;
  }
  throw unsupportedMediaType(type);
}

function parseJson(body: Buffer, what: string): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch (err) {
    throw badRequest(
      `${what}: couldn't get version/kind; json parse error: ${(err as Error).message}`,
    );
  }
}

function integer(value: string | null, name: string): number | undefined {
  if (value === null || value === '') return undefined;
  if (!/^-?\d+$/.test(value))
    throw badRequest(`invalid value for ${name}: ${JSON.stringify(value)}`);
  return Number(value);
}

function flag(value: string | null): boolean {
  return value === 'true' || value === '1';
}

/** Parses `/api/v1/...` and `/apis/{group}/{version}/...` into the resource it names. */
function parseTarget(segments: string[]): Target | undefined {
  let group: string;
  let version: string;
  let rest: string[];
  if (segments[0] === 'api' && segments[1]) {
    group = '';
    version = segments[1];
    rest = segments.slice(2);
  } else if (segments[0] === 'apis' && segments[1] && segments[2]) {
    group = segments[1];
    version = segments[2];
    rest = segments.slice(3);
  } else return undefined;
  let watchPath = false;
  if (rest[0] === 'watch') {
    watchPath = true;
    rest = rest.slice(1);
  }
  let namespace: string | undefined;
  // `namespaces/{ns}/{plural}/...` names namespaced objects; `namespaces/{name}[/status]` the
  // namespace itself.
  if (
    rest[0] === 'namespaces' &&
    rest.length >= 3 &&
    !['status', 'finalize'].includes(rest[2] ?? '')
  ) {
    namespace = rest[1];
    rest = rest.slice(2);
  }
  const [plural, name, subresource, ...extra] = rest;
  if (!plural || extra.length) return undefined;
  const def = findResource(group, version, plural);
  if (!def) return undefined;
  if (namespace !== undefined && !def.namespaced) return undefined;
  if (subresource && !def.subresources.includes(subresource)) return undefined;
  return {
    def,
    ...(namespace !== undefined ? { namespace } : {}),
    ...(name !== undefined ? { name } : {}),
    ...(subresource !== undefined ? { subresource } : {}),
    watchPath,
  };
}

function stripTypeMeta(obj: KubeObject): KubeObject {
  const { apiVersion: _apiVersion, kind: _kind, ...rest } = obj;
  return rest;
}

/**
 * The HTTP face of the emulator: discovery, the REST verbs on every served resource, watches,
 * logs, and exec and attach over WebSocket, answering as the real API server does.
 */
export class ApiServer {
  private readonly watches = new Set<() => void>();
  private readonly sockets = new WebSocketServer({
    noServer: true,
    handleProtocols: (offered) => CHANNEL_PROTOCOLS.find((p) => offered.has(p)) ?? false,
  });

  constructor(
    private readonly registry: Registry,
    private readonly kubelet: Kubelet,
    private readonly options: ApiServerOptions,
  ) {}

  /** Ends every open watch and stream. */
  close(): void {
    for (const end of [...this.watches]) end();
    for (const client of this.sockets.clients) client.terminate();
    this.sockets.close();
  }

  /** The `request` handler. */
  handle = (req: IncomingMessage, res: ServerResponse): void => {
    this.route(req, res).catch((err: unknown) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      if (err instanceof KubeApiError) sendJson(res, err.code, err.status);
      else {
        sendJson(res, 500, {
          kind: 'Status',
          apiVersion: 'v1',
          metadata: {},
          status: 'Failure',
          message: `Internal error occurred: ${(err as Error).message}`,
          reason: 'InternalError',
          code: 500,
        });
      }
    });
  };

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://emulator');
    const segments = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    const path = `/${segments.join('/')}`;
    const method = req.method ?? 'GET';
    if (method === 'GET') {
      const discovery = this.discovery(path);
      if (discovery !== undefined) {
        if (typeof discovery === 'string') {
          res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' }).end(discovery);
        } else sendJson(res, 200, discovery);
        return;
      }
    }
    const target = parseTarget(segments);
    if (!target) throw pathNotFound();
    await this.serve(target, method, url.searchParams, req, res);
  }

  private discovery(path: string): unknown {
    switch (path) {
      case '/healthz':
      case '/livez':
      case '/readyz':
        return 'ok';
      case '/version':
        return {
          major: '1',
          minor: this.options.gitVersion.split('.')[1] ?? '32',
          gitVersion: this.options.gitVersion,
          gitCommit: '0000000000000000000000000000000000000000',
          gitTreeState: 'clean',
          buildDate: '2025-01-01T00:00:00Z',
          goVersion: 'go1.23.0',
          compiler: 'gc',
          platform: 'linux/amd64',
        };
      case '/api':
        return {
          kind: 'APIVersions',
          versions: ['v1'],
          serverAddressByClientCIDRs: [
            { clientCIDR: '0.0.0.0/0', serverAddress: this.options.address() },
          ],
        };
      case '/apis':
        return { kind: 'APIGroupList', apiVersion: 'v1', groups: apiGroups() };
      case '/api/v1':
        return resourceList('', 'v1');
      case '/openapi/v3':
        return openApiRoot();
    }
    if (path.startsWith('/openapi/v3/')) return openApiDocument(path.slice('/openapi/v3/'.length));
    const match = /^\/apis\/([^/]+)(?:\/([^/]+))?$/.exec(path);
    if (!match) return undefined;
    const group = apiGroups().find((g) => g.name === match[1]);
    if (!group) return undefined;
    if (match[2] === undefined) return { kind: 'APIGroup', apiVersion: 'v1', ...group };
    return resourceList(match[1] ?? '', match[2]);
  }

  private async serve(
    target: Target,
    method: string,
    query: URLSearchParams,
    req: IncomingMessage,
    res: ServerResponse,
  ): Promise<void> {
    const { def, namespace, name, subresource } = target;
    const dryRun = query.getAll('dryRun').includes('All');
    const fieldManager = query.get('fieldManager') ?? undefined;
    const write = { dryRun, ...(fieldManager ? { fieldManager } : {}) };
    const table = wantsTable(req.headers.accept);
    const include = (query.get('includeObject') ?? 'Metadata') as IncludeObject;
    if (subresource === 'log') {
      if (method !== 'GET') throw methodNotAllowed();
      this.serveLog(namespace ?? '', name ?? '', query, req, res);
      return;
    }
    if (subresource === 'exec' || subresource === 'attach') {
      throw badRequest('Upgrade request required');
    }
    if (name === undefined) {
      const labels = parseLabelSelector(query.get('labelSelector') ?? undefined);
      const fields = parseFieldSelector(query.get('fieldSelector') ?? undefined, def);
      const matches = selectorMatcher(labels, fields, def);
      if (method === 'GET') {
        if (target.watchPath || flag(query.get('watch'))) {
          this.watch(def, namespace, matches, query, req, res, table ? include : undefined);
        } else this.list(def, namespace, matches, query, res, table ? include : undefined);
        return;
      }
      if (method === 'POST') {
        checkBodyType(req);
        const body = parseJson(await readBody(req), 'Object');
        sendJson(res, 201, this.registry.create(def, namespace, body, write));
        return;
      }
      if (method === 'DELETE') {
        const options = await this.deleteOptions(req, query);
        sendJson(res, 200, this.registry.deleteCollection(def, namespace, matches, options));
        return;
      }
      throw methodNotAllowed();
    }
    if (def.namespaced && namespace === undefined) throw pathNotFound();
    const status = subresource === 'status' ? { subresource: 'status' as const } : {};
    switch (method) {
      case 'GET': {
        if (target.watchPath || flag(query.get('watch'))) {
          const fields = parseFieldSelector(`metadata.name=${name}`, def);
          this.watch(
            def,
            namespace,
            selectorMatcher([], fields, def),
            query,
            req,
            res,
            table ? include : undefined,
          );
          return;
        }
        const obj = this.registry.get(def, namespace, name);
        if (table)
          sendJson(res, 200, toTable(def, [obj], obj.metadata?.resourceVersion ?? '', include));
        else sendJson(res, 200, obj);
        return;
      }
      case 'PUT': {
        checkBodyType(req);
        const body = parseJson(await readBody(req), 'Object');
        sendJson(
          res,
          200,
          this.registry.update(def, namespace, name, body, { ...write, ...status }),
        );
        return;
      }
      case 'PATCH': {
        const contentType = (req.headers['content-type'] ?? '').split(';')[0]?.trim() ?? '';
        const body = parseJson(await readBody(req), 'Patch');
        const result = this.registry.patch(def, namespace, name, contentType, body, {
          ...write,
          ...status,
        });
        sendJson(res, 200, result);
        return;
      }
      case 'DELETE': {
        if (subresource) throw methodNotAllowed();
        const options = await this.deleteOptions(req, query);
        sendJson(res, 200, this.registry.delete(def, namespace, name, options));
        return;
      }
      default:
        throw methodNotAllowed();
    }
  }

  private async deleteOptions(
    req: IncomingMessage,
    query: URLSearchParams,
  ): Promise<DeleteOptions> {
    const raw = await readBody(req);
    const body = raw.length ? parseJson(raw, 'DeleteOptions') : {};
    if (!isObject(body)) throw badRequest('DeleteOptions must be an object');
    const grace =
      integer(query.get('gracePeriodSeconds'), 'gracePeriodSeconds') ?? body.gracePeriodSeconds;
    let policy = query.get('propagationPolicy') ?? body.propagationPolicy;
    const orphan = query.get('orphanDependents') ?? body.orphanDependents;
    if (policy === undefined && orphan !== undefined) {
      policy = orphan === true || orphan === 'true' ? 'Orphan' : 'Background';
    }
    if (policy !== undefined && !['Background', 'Foreground', 'Orphan'].includes(String(policy))) {
      throw badRequest(
        `DeleteOptions.meta.k8s.io "" is invalid: propagationPolicy: Unsupported value: "${String(policy)}": supported values: "Foreground", "Background", "Orphan", "nil"`,
      );
    }
    const dryRun = [
      ...query.getAll('dryRun'),
      ...(Array.isArray(body.dryRun) ? body.dryRun : []),
    ].includes('All');
    return {
      ...(typeof grace === 'number' ? { gracePeriodSeconds: grace } : {}),
      ...(policy !== undefined
        ? { propagationPolicy: policy as DeleteOptions['propagationPolicy'] }
        : {}),
      ...(isObject(body.preconditions)
        ? { preconditions: body.preconditions as DeleteOptions['preconditions'] }
        : {}),
      dryRun,
    };
  }

  private list(
    def: ResourceDef,
    namespace: string | undefined,
    matches: Matcher,
    query: URLSearchParams,
    res: ServerResponse,
    table: IncludeObject | undefined,
  ): void {
    let items = this.registry.list(def, namespace, matches);
    const resourceVersion = String(this.registry.store.resourceVersion);
    const limit = integer(query.get('limit'), 'limit');
    const token = query.get('continue');
    const key = (o: KubeObject) => `${o.metadata?.namespace ?? ''}/${o.metadata?.name ?? ''}`;
    if (token) {
      let after: string;
      try {
        after = String(JSON.parse(Buffer.from(token, 'base64url').toString('utf8')).after);
      } catch {
        throw badRequest('continue key is not valid: illegal base64 data');
      }
      items = items.filter((o) => key(o) > after);
    }
    const metadata: Record<string, unknown> = { resourceVersion };
    if (limit !== undefined && limit > 0 && items.length > limit) {
      const remaining = items.length - limit;
      items = items.slice(0, limit);
      metadata.continue = Buffer.from(
        JSON.stringify({ after: key(items[items.length - 1] ?? {}) }),
      ).toString('base64url');
      metadata.remainingItemCount = remaining;
    }
    if (table) {
      const rendered = toTable(def, items, resourceVersion, table);
      sendJson(res, 200, {
        ...rendered,
        metadata: { ...(rendered.metadata as object), ...metadata },
      });
      return;
    }
    sendJson(res, 200, {
      kind: `${def.kind}List`,
      apiVersion: apiVersionOf(def),
      metadata,
      items: items.map(stripTypeMeta),
    });
  }

  private watch(
    def: ResourceDef,
    namespace: string | undefined,
    matches: Matcher,
    query: URLSearchParams,
    req: IncomingMessage,
    res: ServerResponse,
    table: IncludeObject | undefined,
  ): void {
    const store = this.registry.store;
    const since = query.get('resourceVersion');
    if (since && !/^\d+$/.test(since)) {
      throw badRequest(`invalid resource version: "${since}"`);
    }
    const timeout = integer(query.get('timeoutSeconds'), 'timeoutSeconds');
    const bookmarks = flag(query.get('allowWatchBookmarks'));
    const sendInitialEvents = flag(query.get('sendInitialEvents'));
    res.writeHead(200, {
      'content-type': 'application/json',
      'cache-control': 'no-cache, private',
      'transfer-encoding': 'chunked',
    });
    res.flushHeaders();
    let ended = false;
    const write = (type: string, object: unknown) => {
      if (ended) return;
      const rendered =
        table && type !== 'ERROR' && type !== 'BOOKMARK'
          ? toTable(
              def,
              [object as KubeObject],
              (object as KubeObject).metadata?.resourceVersion ?? '',
              table,
            )
          : object;
      res.write(`${JSON.stringify({ type, object: rendered })}\n`);
    };
    const bookmark = (initialEnd = false) =>
      write('BOOKMARK', {
        kind: def.kind,
        apiVersion: apiVersionOf(def),
        metadata: {
          resourceVersion: String(store.resourceVersion),
          ...(initialEnd ? { annotations: { 'k8s.io/initial-events-end': 'true' } } : {}),
        },
      });
    const inScope = (o: KubeObject) =>
      namespace === undefined || o.metadata?.namespace === namespace;
    let lastSent = 0;
    const deliver = (change: StoreChange) => {
      if (change.def !== def || change.resourceVersion <= lastSent) return;
      lastSent = change.resourceVersion;
      const now = inScope(change.object) && matches(change.object);
      const before =
        change.previous !== undefined && inScope(change.previous) && matches(change.previous);
      if (change.type === 'ADDED') {
        if (now) write('ADDED', change.object);
      } else if (change.type === 'DELETED') {
        if (before || now) write('DELETED', change.object);
      } else if (before && now) write('MODIFIED', change.object);
      else if (now) write('ADDED', change.object);
      else if (before) write('DELETED', change.object);
    };
    const end = () => {
      if (ended) return;
      ended = true;
      unsubscribe?.();
      clearTimeout(timer);
      clearInterval(ticker);
      this.watches.delete(end);
      res.end();
    };
    let unsubscribe: (() => void) | undefined = undefined;
    let timer: NodeJS.Timeout | undefined;
    let ticker: NodeJS.Timeout | undefined;
    this.watches.add(end);
    req.on('close', end);
    res.on('close', end);
    if (!since || since === '0' || sendInitialEvents) {
      // No version (or "0"): the current state as ADDED events, then every change after it.
      for (const obj of this.registry.list(def, namespace, matches)) write('ADDED', obj);
      lastSent = store.resourceVersion;
      if (sendInitialEvents && bookmarks) bookmark(true);
    } else {
      const changes = store.changesSince(Number(since));
      if (!changes) {
        write('ERROR', {
          kind: 'Status',
          apiVersion: 'v1',
          metadata: {},
          status: 'Failure',
          message: `too old resource version: ${since} (${store.oldestResourceVersion + 1})`,
          reason: 'Expired',
          code: 410,
        });
        end();
        return;
      }
      lastSent = Number(since);
      for (const change of changes) deliver(change);
      lastSent = Math.max(lastSent, store.resourceVersion);
    }
    unsubscribe = store.subscribe(deliver);
    if (timeout !== undefined && timeout > 0) timer = setTimeout(end, timeout * 1000);
    if (bookmarks) ticker = setInterval(() => bookmark(), this.options.bookmarkIntervalMs);
  }

  private serveLog(
    namespace: string,
    podName: string,
    query: URLSearchParams,
    req: IncomingMessage,
    res: ServerResponse,
  ): void {
    const tailLines = integer(query.get('tailLines'), 'tailLines');
    const sinceSeconds = integer(query.get('sinceSeconds'), 'sinceSeconds');
    const limitBytes = integer(query.get('limitBytes'), 'limitBytes');
    const sinceTime = query.get('sinceTime');
    const logQuery: LogQuery & { previous?: boolean } = {
      ...(tailLines !== undefined ? { tailLines } : {}),
      ...(sinceSeconds !== undefined ? { sinceSeconds } : {}),
      ...(sinceTime ? { sinceTime } : {}),
      ...(limitBytes !== undefined ? { limitBytes } : {}),
      timestamps: flag(query.get('timestamps')),
      previous: flag(query.get('previous')),
    };
    const { log } = this.kubelet.readLog(
      namespace,
      podName,
      query.get('container') ?? undefined,
      logQuery,
    );
    res.writeHead(200, { 'content-type': 'text/plain', 'cache-control': 'no-cache, private' });
    const initial = log.read(logQuery);
    const sent = initial.length;
    res.write(initial);
    if (!flag(query.get('follow')) || logQuery.previous) {
      res.end();
      return;
    }
    res.flushHeaders();
    let stop: () => void = () => undefined;
    let ended = false;
    const end = () => {
      if (ended) return;
      ended = true;
      stop();
      this.watches.delete(end);
      res.end();
    };
    // limitBytes bounds the whole answer, what was already there and what follows.
    let budget = logQuery.limitBytes === undefined ? Infinity : logQuery.limitBytes - sent;
    if (budget <= 0) {
      end();
      return;
    }
    stop = log.follow(
      (data) => {
        const part = data.subarray(0, budget);
        budget -= part.length;
        res.write(part);
        if (budget <= 0) end();
      },
      end,
      logQuery.timestamps,
    );
    this.watches.add(end);
    req.on('close', end);
  }

  /** The `upgrade` handler: exec and attach over WebSocket. */
  upgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    const refuse = (err: KubeApiError) => {
      const text = JSON.stringify(err.status);
      socket.end(
        `HTTP/1.1 ${err.code} ${err.status.reason ?? 'Error'}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(text)}\r\nconnection: close\r\n\r\n${text}`,
      );
    };
    try {
      const url = new URL(req.url ?? '/', 'http://emulator');
      const target = parseTarget(url.pathname.split('/').filter(Boolean).map(decodeURIComponent));
      if (!target || (target.subresource !== 'exec' && target.subresource !== 'attach')) {
        throw pathNotFound();
      }
      if ((req.headers.upgrade ?? '').toLowerCase() !== 'websocket') {
        throw badRequest(
          `unsupported upgrade protocol: ${req.headers.upgrade ?? ''} (only websocket is served)`,
        );
      }
      const offered = String(req.headers['sec-websocket-protocol'] ?? '')
        .split(',')
        .map((p) => p.trim());
      if (!CHANNEL_PROTOCOLS.some((p) => offered.includes(p))) {
        throw badRequest(
          `unable to upgrade: no supported subprotocol among [${offered.join(', ')}]`,
        );
      }
      const query = url.searchParams;
      const want = {
        stdin: flag(query.get('stdin')),
        stdout: flag(query.get('stdout')),
        stderr: flag(query.get('stderr')),
      };
      const container = query.get('container') ?? undefined;
      const namespace = target.namespace ?? '';
      const name = target.name ?? '';
      const command = query.getAll('command');
      // Check the pod and container before upgrading, so that an error is a plain HTTP answer.
      const open =
        target.subresource === 'exec'
          ? (sink: Parameters<Kubelet['exec']>[5]) =>
              this.kubelet.exec(namespace, name, container, command, want, sink)
          : (sink: Parameters<Kubelet['attach']>[4]) =>
              this.kubelet.attach(namespace, name, container, want, sink);
      this.preflight(
        namespace,
        name,
        container,
        target.subresource === 'exec' ? command : undefined,
      );
      this.sockets.handleUpgrade(req, socket, head, (ws) => {
        serveChannels(ws, want, open, target.subresource === 'exec' ? command : undefined);
      });
    } catch (err) {
      if (err instanceof KubeApiError) refuse(err);
      else socket.destroy();
    }
  };

  private preflight(
    namespace: string,
    name: string,
    container: string | undefined,
    command?: string[],
  ): void {
    if (command && command.length === 0) throw badRequest('you must specify at least 1 command');
    this.kubelet.checkRunning(namespace, name, container);
  }
}
