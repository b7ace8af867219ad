import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { ArrivalWaiters } from './arrival-waiters.ts';
import { gunzipWithLimit, readRequestBody } from './request-body.ts';

/** Options for {@link startElasticsearchStandIn}. */
export interface ElasticsearchStandInOptions {
  /** @default '127.0.0.1' */
  host?: string;
  /** @default 0 (a free port) */
  port?: number;
  /** When set (with `password`), requests without matching HTTP Basic auth get 401. @default undefined */
  username?: string;
  /** @default undefined */
  password?: string;
  /** Version reported by `GET /`, which clients use for their product check. @default '9.1.0' */
  version?: string;
  /** Largest accepted `_bulk` body after decompression. @default 100 MiB */
  maxBodyBytes?: number;
}

/** One document written through `_bulk`. */
export interface BulkDocument {
  /** Target index or data stream, from the action line or the URL. */
  index: string;
  /** Bulk operation: `create` for data streams, `index` otherwise. */
  operation: string;
  /** `_id` from the action line, '' when the server would generate one. */
  id: string;
  document: Record<string, unknown>;
  receivedAt: number;
}

/** One HTTP request the stand-in answered. */
export interface ElasticsearchRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  query: string;
  status: number;
  /** Documents in a `_bulk` body; 0 for other requests. */
  documentCount: number;
  headers: Record<string, string>;
  receivedAt: number;
}

/** A fault applied to `_bulk` requests: answer `status` (e.g. 503) without storing anything. */
export interface BulkFailure {
  status: number;
  /** Apply to this many requests, then stop. @default unlimited */
  times?: number;
  /** Apply until this many milliseconds from now have passed. @default unlimited */
  forMs?: number;
}

/** An in-process stand-in for Elasticsearch's product check and `_bulk` API. */
export interface ElasticsearchStandIn {
  readonly url: string;
  readonly port: number;
  /** Documents stored so far, optionally only those of one index or matching a pattern. */
  documents(index?: string | RegExp): BulkDocument[];
  requests(): ElasticsearchRequest[];
  waitForDocuments(
    countOrPredicate: number | ((documents: BulkDocument[]) => boolean),
    options?: { timeoutMs?: number },
  ): Promise<BulkDocument[]>;
  /** Fail `_bulk` requests as described until the failure runs out or `reset()`. */
  failBulk(failure: BulkFailure): void;
  reset(): void;
  close(): Promise<void>;
}

const PRODUCT_HEADER = { 'x-elastic-product': 'Elasticsearch' };

function esError(status: number, type: string, reason: string): string {
  return JSON.stringify({ error: { root_cause: [{ type, reason }], type, reason }, status });
}

function headerRecord(request: IncomingMessage): Record<string, string> {
  return Object.fromEntries(
    Object.entries(request.headers).map(([name, value]) => [
      name,
      Array.isArray(value) ? value.join(', ') : (value ?? ''),
    ]),
  );
}

interface ParsedBulk {
  readonly documents: BulkDocument[];
  readonly items: object[];
}

/** Parses an NDJSON bulk body: an action line, then (except for delete) a source line. */
function parseBulk(body: string, defaultIndex: string | undefined, now: number): ParsedBulk {
  const lines = body.split('\n').filter((line) => line.trim() !== '');
  const documents: BulkDocument[] = [];
  const items: object[] = [];
  for (let i = 0; i < lines.length; i++) {
    const action = JSON.parse(lines[i]) as Record<string, { _index?: string; _id?: string }>;
    const [operation] = Object.keys(action);
    const meta = action[operation] ?? {};
    const index = meta._index ?? defaultIndex ?? '';
    const id = meta._id ?? '';
    if (operation === 'delete') {
      items.push({ delete: { _index: index, _id: id, status: 404, result: 'not_found' } });
      continue;
    }
    const source = JSON.parse(lines[++i] ?? 'null') as unknown;
    if (source === null || typeof source !== 'object') {
      throw new SyntaxError(`bulk line ${i + 1}: expected a JSON object source`);
    }
    documents.push({
      index,
      operation,
      id,
      document: source as Record<string, unknown>,
      receivedAt: now,
    });
    items.push({
      [operation]: {
        _index: index,
        _id: id || `standin-${now}-${documents.length}`,
        _version: 1,
        result: 'created',
        status: 201,
        _seq_no: documents.length,
        _primary_term: 1,
      },
    });
  }
  return { documents, items };
}

class ElasticsearchStandInServer implements ElasticsearchStandIn {
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();
  readonly #waiters = new ArrivalWaiters();
  readonly #options: Required<Omit<ElasticsearchStandInOptions, 'username' | 'password'>> &
    Pick<ElasticsearchStandInOptions, 'username' | 'password'>;
  #documents: BulkDocument[] = [];
  #requests: ElasticsearchRequest[] = [];
  #failure: { status: number; remaining: number; until: number } | undefined;
  #port = 0;

  constructor(options: ElasticsearchStandInOptions) {
    this.#options = {
      host: options.host ?? '127.0.0.1',
      port: options.port ?? 0,
      version: options.version ?? '9.1.0',
      maxBodyBytes: options.maxBodyBytes ?? 100 * 1024 * 1024,
      username: options.username,
      password: options.password,
    };
    this.#server = createServer((request, response) => {
      this.#handle(request, response).catch((error: unknown) => {
        if (!response.headersSent) {
          this.#send(response, 500, esError(500, 'stand_in_exception', String(error)));
        } else response.destroy();
      });
    });
    this.#server.on('connection', (socket) => {
      this.#sockets.add(socket);
      socket.on('close', () => this.#sockets.delete(socket));
    });
  }

  async listen(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(this.#options.port, this.#options.host, () => resolve());
    });
    this.#port = (this.#server.address() as AddressInfo).port;
  }

  get port(): number {
    return this.#port;
  }

  get url(): string {
    return `http://${this.#options.host}:${this.#port}`;
  }

  documents(index?: string | RegExp): BulkDocument[] {
    if (index === undefined) return [...this.#documents];
    return this.#documents.filter((d) =>
      typeof index === 'string' ? d.index === index : index.test(d.index),
    );
  }

  requests(): ElasticsearchRequest[] {
    return [...this.#requests];
  }

  waitForDocuments(
    countOrPredicate: number | ((documents: BulkDocument[]) => boolean),
    options: { timeoutMs?: number } = {},
  ): Promise<BulkDocument[]> {
    const predicate =
      typeof countOrPredicate === 'number'
        ? (docs: BulkDocument[]) => docs.length >= countOrPredicate
        : countOrPredicate;
    const timeoutMs = options.timeoutMs ?? 10_000;
    return this.#waiters.wait({
      read: () => this.documents(),
      isDone: predicate,
      timeoutMs,
      describeTimeout: (docs) =>
        `timed out after ${timeoutMs} ms waiting for Elasticsearch documents; ${docs.length} arrived`,
    });
  }

  failBulk(failure: BulkFailure): void {
    if (!Number.isInteger(failure.status) || failure.status < 400 || failure.status > 599) {
      throw new RangeError(`status must be a 4xx or 5xx code, got ${String(failure.status)}`);
    }
    this.#failure = {
      status: failure.status,
      remaining: failure.times ?? Infinity,
      until: failure.forMs === undefined ? Infinity : Date.now() + failure.forMs,
    };
  }

  reset(): void {
    this.#documents = [];
    this.#requests = [];
    this.#failure = undefined;
  }

  async close(): Promise<void> {
    this.#waiters.abortAll('the Elasticsearch stand-in was closed');
    for (const socket of this.#sockets) socket.destroy();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #send(response: ServerResponse, status: number, body: string): void {
    response.writeHead(status, {
      ...PRODUCT_HEADER,
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(body),
    });
    response.end(body);
  }

  #authorized(request: IncomingMessage): boolean {
    const { username, password } = this.#options;
    if (username === undefined) return true;
    const expected = `Basic ${Buffer.from(`${username}:${password ?? ''}`).toString('base64')}`;
    return request.headers.authorization === expected;
  }

  #activeFailure(): number | undefined {
    const failure = this.#failure;
    if (!failure) return undefined;
    if (failure.remaining <= 0 || Date.now() >= failure.until) {
      this.#failure = undefined;
      return undefined;
    }
    failure.remaining--;
    return failure.status;
  }

  async #handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const [path, query = ''] = (request.url ?? '/').split('?', 2);
    const entry: ElasticsearchRequest = {
      method: request.method ?? 'GET',
      path,
      query,
      status: 0,
      documentCount: 0,
      headers: headerRecord(request),
      receivedAt: Date.now(),
    };
    this.#requests.push(entry);
    const reply = (status: number, body: string) => {
      entry.status = status;
      this.#send(response, status, body);
    };

    const read = await readRequestBody(request, this.#options.maxBodyBytes);
    if (read.kind === 'aborted') return;
    if (!this.#authorized(request)) {
      response.setHeader('www-authenticate', 'Basic realm="security" charset="UTF-8"');
      reply(401, esError(401, 'security_exception', 'missing or wrong authentication credentials'));
      return;
    }
    if (read.kind === 'tooLarge') {
      reply(413, esError(413, 'content_too_long_exception', 'request body too large'));
      return;
    }

    if (path === '/' && (entry.method === 'GET' || entry.method === 'HEAD')) {
      reply(
        200,
        JSON.stringify({
          name: 'threadline-stand-in',
          cluster_name: 'threadline-test',
          cluster_uuid: 'threadline-stand-in-cluster',
          version: {
            number: this.#options.version,
            build_flavor: 'default',
            minimum_wire_compatibility_version: '8.19.0',
            minimum_index_compatibility_version: '8.0.0',
          },
          tagline: 'You Know, for Search',
        }),
      );
      return;
    }

    const bulk = /^\/(?:([^/_][^/]*)\/)?_bulk$/.exec(path);
    if (!bulk || entry.method !== 'POST') {
      reply(404, esError(404, 'stand_in_unsupported', `${entry.method} ${path} is not supported`));
      return;
    }
    const failure = this.#activeFailure();
    if (failure !== undefined) {
      reply(failure, esError(failure, 'unavailable_shards_exception', 'injected failure'));
      return;
    }
    let body = read.body;
    if ((request.headers['content-encoding'] ?? '').toLowerCase() === 'gzip') {
      const inflated = await gunzipWithLimit(body, this.#options.maxBodyBytes);
      if (inflated.kind !== 'ok') {
        reply(400, esError(400, 'parse_exception', `bad gzip body (${inflated.kind})`));
        return;
      }
      body = inflated.body;
    }
    let parsed: ParsedBulk;
    try {
      parsed = parseBulk(body.toString('utf8'), bulk[1] && decodeURIComponent(bulk[1]), Date.now());
    } catch (error) {
      reply(400, esError(400, 'x_content_parse_exception', (error as Error).message));
      return;
    }
    entry.documentCount = parsed.documents.length;
    this.#documents.push(...parsed.documents);
    reply(200, JSON.stringify({ took: 1, errors: false, items: parsed.items }));
    this.#waiters.notify();
  }
}

/** Starts an Elasticsearch stand-in on loopback: enough of the API for the collector's exporter. */
export async function startElasticsearchStandIn(
  options: ElasticsearchStandInOptions = {},
): Promise<ElasticsearchStandIn> {
  const server = new ElasticsearchStandInServer(options);
  await server.listen();
  return server;
}
