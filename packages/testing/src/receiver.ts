import {
  createServer,
  type IncomingMessage,
  type OutgoingHttpHeaders,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { ArrivalWaiters } from './arrival-waiters.ts';
import { corsResponseHeaders, isPreflight, preflightAnswer } from './cors.ts';
import { BehaviourQueue } from './behaviour-queue.ts';
import { OtlpDecodeError } from './decode-error.ts';
import { decodeLogsRequest } from './decode-logs.ts';
import { decodeTracesRequest } from './decode-traces.ts';
import { exportResponse, statusResponse, type EncodedResponse } from './otlp-response.ts';
import {
  DEFAULT_WAIT_TIMEOUT_MS,
  resolveReceiverOptions,
  type ResolvedReceiverOptions,
} from './receiver-options.ts';
import { gunzipWithLimit, readRequestBody } from './request-body.ts';
import { listSink, metricsSink, type SignalSink } from './signal-sinks.ts';
import type {
  OtlpContentType,
  OtlpReceiver,
  OtlpReceiverOptions,
  OtlpSignal,
  ReceivedLogRecord,
  ReceivedMetric,
  ReceivedPreflight,
  ReceivedRequest,
  ReceivedSpan,
  ResponseBehaviour,
  WaitOptions,
} from './types.ts';

const SIGNAL_BY_PATH: Readonly<Record<string, OtlpSignal>> = {
  '/v1/logs': 'logs',
  '/v1/traces': 'traces',
  '/v1/metrics': 'metrics',
};

function parseContentType(header: string): OtlpContentType | undefined {
  const mediaType = header.split(';')[0].trim().toLowerCase();
  if (mediaType === 'application/x-protobuf') return 'protobuf';
  if (mediaType === 'application/json') return 'json';
  return undefined;
}

function formatUrl(host: string, port: number): string {
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

function headerValue(value: string | string[] | undefined): string {
  return Array.isArray(value) ? value.join(', ') : (value ?? '');
}

/** The receiver behind {@link startOtlpReceiver}. */
class OtlpReceiverServer implements OtlpReceiver {
  readonly #options: ResolvedReceiverOptions;
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();
  readonly #sleepers = new Set<() => void>();
  readonly #behaviours = new BehaviourQueue();
  readonly #waiters = new ArrivalWaiters();
  readonly #logs = listSink<ReceivedLogRecord>('log records', decodeLogsRequest);
  readonly #spans = listSink<ReceivedSpan>('spans', decodeTracesRequest);
  readonly #metrics = metricsSink();
  #requests: ReceivedRequest[] = [];
  #preflights: ReceivedPreflight[] = [];
  #port = 0;
  #closing: Promise<void> | undefined;

  constructor(options: ResolvedReceiverOptions) {
    this.#options = options;
    this.#server = createServer((request, response) => {
      this.#handle(request, response).catch((error: unknown) => {
        // Never let a request take the process down; answer if we still can.
        if (!response.headersSent && !response.destroyed) {
          const message = `internal receiver error: ${error instanceof Error ? error.message : String(error)}`;
          this.#send(response, 500, statusResponse(undefined, 500, message));
        } else {
          response.destroy();
        }
      });
    });
    this.#server.on('connection', (socket: Socket) => {
      this.#sockets.add(socket);
      socket.on('close', () => this.#sockets.delete(socket));
    });
  }

  get url(): string {
    return formatUrl(this.#options.host, this.#port);
  }

  get port(): number {
    return this.#port;
  }

  async listen(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(this.#options.port, this.#options.host, () => {
        this.#server.off('error', reject);
        resolve();
      });
    });
    this.#port = (this.#server.address() as AddressInfo).port;
  }

  logs(): ReceivedLogRecord[] {
    return [...this.#logs.store];
  }

  spans(): ReceivedSpan[] {
    return [...this.#spans.store];
  }

  metrics(): ReceivedMetric[] {
    return [...this.#metrics.store];
  }

  requests(): ReceivedRequest[] {
    return this.#requests.map((request) => ({ ...request }));
  }

  preflights(): ReceivedPreflight[] {
    return this.#preflights.map((preflight) => ({ ...preflight }));
  }

  waitForLogs(
    countOrPredicate: number | ((records: ReceivedLogRecord[]) => boolean),
    options?: WaitOptions,
  ): Promise<ReceivedLogRecord[]> {
    return this.#waitFor('waitForLogs', 'logs', this.#logs, countOrPredicate, options);
  }

  waitForSpans(
    countOrPredicate: number | ((spans: ReceivedSpan[]) => boolean),
    options?: WaitOptions,
  ): Promise<ReceivedSpan[]> {
    return this.#waitFor('waitForSpans', 'traces', this.#spans, countOrPredicate, options);
  }

  waitForMetrics(
    predicate: (metrics: ReceivedMetric[]) => boolean,
    options?: WaitOptions,
  ): Promise<ReceivedMetric[]> {
    if (typeof predicate !== 'function')
      throw new TypeError('waitForMetrics needs a predicate function');
    return this.#waitFor('waitForMetrics', 'metrics', this.#metrics, predicate, options);
  }

  respondWith(behaviour: ResponseBehaviour): void {
    this.#behaviours.add(behaviour);
  }

  reset(): void {
    this.#logs.store.length = 0;
    this.#spans.store.length = 0;
    this.#metrics.store.length = 0;
    this.#requests = [];
    this.#preflights = [];
    this.#behaviours.clear();
  }

  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #close(): Promise<void> {
    this.#waiters.abortAll('OTLP receiver closed before the awaited items arrived');
    for (const wake of [...this.#sleepers]) wake();
    const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    // Hanging and keep-alive connections would otherwise hold close() open indefinitely.
    for (const socket of this.#sockets) socket.destroy();
    await closed;
  }

  #waitFor<T>(
    method: string,
    signal: OtlpSignal,
    sink: SignalSink<T>,
    countOrPredicate: number | ((items: T[]) => boolean),
    options: WaitOptions | undefined,
  ): Promise<T[]> {
    const timeoutMs = options?.timeoutMs ?? DEFAULT_WAIT_TIMEOUT_MS;
    if (!(typeof timeoutMs === 'number' && timeoutMs >= 0 && Number.isFinite(timeoutMs))) {
      throw new RangeError(
        `${method}: timeoutMs must be a non-negative number, got ${String(timeoutMs)}`,
      );
    }
    let isDone: (items: T[]) => boolean;
    let wanted: string;
    if (typeof countOrPredicate === 'number') {
      if (!Number.isSafeInteger(countOrPredicate) || countOrPredicate < 0) {
        throw new RangeError(
          `${method}: count must be a non-negative integer, got ${countOrPredicate}`,
        );
      }
      const count = countOrPredicate;
      isDone = (items) => items.length >= count;
      wanted = `${count} ${sink.noun}`;
    } else if (typeof countOrPredicate === 'function') {
      isDone = countOrPredicate;
      wanted = 'the predicate to hold';
    } else {
      throw new TypeError(`${method}: expected a count or a predicate function`);
    }
    if (this.#closing !== undefined)
      return Promise.reject(new Error(`${method}: the OTLP receiver is closed`));
    return this.#waiters.wait({
      read: () => [...sink.store],
      isDone,
      timeoutMs,
      describeTimeout: (items) =>
        `${method}: timed out after ${timeoutMs} ms waiting for ${wanted}; ${items.length} ${sink.noun} arrived${this.#describeRequests(signal)}`,
    });
  }

  #describeRequests(signal: OtlpSignal): string {
    const requests = this.#requests.filter((request) => request.signal === signal);
    if (requests.length === 0) return ` (no ${signal} export requests were received)`;
    const statuses = requests.map((request) =>
      request.status === 0 ? 'pending' : String(request.status),
    );
    return ` in ${requests.length} ${signal} export request(s) answered ${statuses.join(', ')}`;
  }

  #send(
    response: ServerResponse,
    status: number,
    encoded: EncodedResponse,
    headers: OutgoingHttpHeaders = {},
  ): void {
    if (response.destroyed || response.headersSent) return;
    response.writeHead(status, {
      ...headers,
      'content-type': encoded.contentType,
      'content-length': encoded.body.length,
    });
    response.end(encoded.body);
  }

  /** Resolves true after `ms`, or false at once if the receiver closes meanwhile. */
  #sleep(ms: number): Promise<boolean> {
    if (this.#closing !== undefined) return Promise.resolve(false);
    return new Promise((resolve) => {
      const wake = (): void => {
        clearTimeout(timer);
        this.#sleepers.delete(wake);
        resolve(false);
      };
      const timer = setTimeout(() => {
        this.#sleepers.delete(wake);
        resolve(true);
      }, ms);
      this.#sleepers.add(wake);
    });
  }

  async #handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const fullPath = (request.url ?? '/').split('?')[0];
    const prefix = this.#options.pathPrefix;
    const path = fullPath.startsWith(prefix) ? fullPath.slice(prefix.length) : '';
    const signal = SIGNAL_BY_PATH[path];
    const cors = this.#options.cors;
    if (cors !== undefined && isPreflight(request)) {
      // Like the collector: preflights are answered by the CORS layer, on any path.
      const { headers, preflight } = preflightAnswer(cors, request, fullPath);
      this.#preflights.push(preflight);
      request.resume();
      response.writeHead(204, headers);
      response.end();
      return;
    }
    const corsHeaders = cors === undefined ? {} : corsResponseHeaders(cors, request);
    const contentType = headerValue(request.headers['content-type']);
    const contentEncoding = headerValue(request.headers['content-encoding']);
    const format = parseContentType(contentType);
    const entry: ReceivedRequest = {
      signal: signal ?? 'unknown',
      path: fullPath,
      contentType,
      contentEncoding,
      bodyBytes: 0,
      uncompressedBytes: 0,
      status: 0,
      itemCount: 0,
      rejectedItems: 0,
      receivedAt: Date.now(),
      headers: Object.fromEntries(
        Object.entries(request.headers).map(([name, value]) => [name, headerValue(value)]),
      ),
    };
    this.#requests.push(entry);
    const reply = (
      status: number,
      encoded: EncodedResponse,
      headers?: OutgoingHttpHeaders,
    ): void => {
      entry.status = status;
      this.#send(response, status, encoded, { ...corsHeaders, ...headers });
    };
    const fail = (status: number, message: string, headers?: OutgoingHttpHeaders): void =>
      reply(status, statusResponse(format, status, message), headers);

    if (signal === undefined) {
      return fail(
        404,
        `unknown path ${path}: OTLP/HTTP accepts /v1/logs, /v1/traces and /v1/metrics`,
      );
    }
    if (request.method !== 'POST') {
      return fail(405, `method ${request.method ?? ''} not allowed: use POST`, { allow: 'POST' });
    }
    if (format === undefined) {
      return fail(
        415,
        `unsupported content type "${contentType}": use application/x-protobuf or application/json`,
      );
    }
    const encoding = contentEncoding.trim().toLowerCase();
    if (encoding !== '' && encoding !== 'identity' && encoding !== 'gzip') {
      return fail(415, `unsupported content encoding "${contentEncoding}": use gzip or none`);
    }

    const limit = this.#options.maxBodyBytes;
    const read = await readRequestBody(request, limit);
    entry.bodyBytes = read.wireBytes;
    if (read.kind === 'aborted') return;
    if (read.kind === 'tooLarge') {
      return fail(413, `body of ${read.wireBytes} bytes exceeds the limit of ${limit} bytes`);
    }
    let body = read.body;
    if (encoding === 'gzip') {
      const inflated = await gunzipWithLimit(body, limit);
      if (inflated.kind === 'tooLarge') {
        return fail(413, `gzip body inflates beyond the limit of ${limit} bytes`);
      }
      if (inflated.kind === 'invalid') return fail(400, inflated.message);
      body = inflated.body;
    }
    entry.uncompressedBytes = body.length;

    const sink: SignalSink<unknown> =
      signal === 'logs' ? this.#logs : signal === 'traces' ? this.#spans : this.#metrics;
    let items: unknown[];
    try {
      items = sink.decode(body, format);
    } catch (error) {
      // RangeError covers a stack overflow on absurdly nested input.
      if (error instanceof OtlpDecodeError || error instanceof RangeError) {
        return fail(400, `cannot decode ${signal} ${format} request: ${error.message}`);
      }
      throw error;
    }
    const itemCount = sink.count(items);
    entry.itemCount = itemCount;

    const behaviour = this.#behaviours.take(signal);
    if (behaviour?.delayMs !== undefined && behaviour.delayMs > 0) {
      if (!(await this.#sleep(behaviour.delayMs))) return;
    }
    // A client that gave up will retry, so recording its items would count them twice.
    if (behaviour?.hang === true || this.#closing !== undefined || response.destroyed) return;
    const headers: OutgoingHttpHeaders = {};
    if (behaviour?.retryAfter !== undefined) headers['retry-after'] = String(behaviour.retryAfter);
    const status = behaviour?.status ?? 200;
    if (status < 200 || status > 299) {
      return fail(status, `injected by respondWith(): status ${status}`, headers);
    }

    const rejected = Math.min(behaviour?.rejectItems ?? 0, itemCount);
    for (const item of rejected > 0 ? sink.keep(items, rejected) : items) sink.store.push(item);
    entry.rejectedItems = rejected;
    this.#waiters.notify();
    const partial =
      behaviour?.rejectItems === undefined
        ? undefined
        : {
            count: rejected,
            errorMessage: `injected by respondWith(): ${rejected} of ${itemCount} rejected`,
          };
    reply(status, exportResponse(format, signal, partial), headers);
  }
}

/**
 * Starts an in-process OTLP/HTTP receiver for logs, traces and metrics (protobuf or JSON,
 * gzip or not) on `host:port` (127.0.0.1 and a free port by default).
 * @throws {RangeError | TypeError} for invalid options, or the listen error (e.g. EADDRINUSE).
 */
export async function startOtlpReceiver(options: OtlpReceiverOptions = {}): Promise<OtlpReceiver> {
  const receiver = new OtlpReceiverServer(resolveReceiverOptions(options));
  await receiver.listen();
  return receiver;
}
