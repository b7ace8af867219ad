import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';

/**
 * A counting OTLP/HTTP logs sink for throughput runs.
 *
 * Why not `startOtlpReceiver()` from @threadline/testing: it decodes every record into plain
 * objects and keeps them, which on a 2-core machine competes with the child being measured
 * and grows without bound over 200k-record runs. This sink walks only the protobuf framing
 * (ExportLogsServiceRequest.resource_logs → ResourceLogs.scope_logs → ScopeLogs.log_records),
 * skipping every record's bytes unread, and for JSON bodies uses `JSON.parse` and array
 * lengths. Nothing is retained beyond counters. `run.ts --verify` still uses the real
 * receiver once per export scenario to check that the records are well formed.
 *
 * Each run gets its own path prefix (`/r<id>/v1/logs`) so a late request from an earlier
 * child can never be counted for the next one, and its own reply delay.
 */
export interface SinkRun {
  readonly id: number;
  /** OTLP base endpoint for this run; exporters append `/v1/logs`. */
  readonly endpoint: string;
  readonly delayMs: number;
  records: number;
  requests: number;
  bytes: number;
  badRequests: number;
  /** `performance.timeOrigin + performance.now()` of the last counted request. */
  lastArrivalMs: number;
  firstArrivalMs: number;
}

export interface CountingSink {
  readonly url: string;
  newRun(options?: { delayMs?: number }): SinkRun;
  endRun(run: SinkRun): void;
  close(): Promise<void>;
}

type Waiter = {
  target: number;
  quietMs: number;
  quietStart: number;
  res: ServerResponse;
  timer: NodeJS.Timeout | undefined;
};

const nowMs = (): number => performance.timeOrigin + performance.now();

export async function startCountingSink(): Promise<CountingSink> {
  const runs = new Map<number, SinkRun>();
  const waiters = new Map<number, Set<Waiter>>();
  let nextId = 1;

  function answerWaiter(run: SinkRun, w: Waiter): void {
    clearTimeout(w.timer);
    waiters.get(run.id)?.delete(w);
    if (w.res.writableEnded) return;
    w.res.writeHead(200, { 'content-type': 'application/json' });
    w.res.end(JSON.stringify(snapshot(run)));
  }

  function armQuietTimer(run: SinkRun, w: Waiter, deadline: number): void {
    clearTimeout(w.timer);
    const since = run.lastArrivalMs > 0 ? run.lastArrivalMs : w.quietStart;
    const wait = Math.max(0, Math.min(deadline, since + w.quietMs) - nowMs());
    w.timer = setTimeout(() => {
      if (nowMs() >= deadline || nowMs() - (run.lastArrivalMs || w.quietStart) >= w.quietMs)
        answerWaiter(run, w);
      else armQuietTimer(run, w, deadline);
    }, wait + 1);
  }

  function onRecords(run: SinkRun): void {
    for (const w of waiters.get(run.id) ?? []) if (run.records >= w.target) answerWaiter(run, w);
  }

  const server: Server = createServer((req, res) => {
    const match = /^\/r(\d+)(\/v1\/logs|\/wait)(\?.*)?$/.exec(req.url ?? '');
    const run = match ? runs.get(Number(match[1])) : undefined;
    if (!match || !run) {
      req.resume();
      res.writeHead(404).end();
      return;
    }
    if (match[2] === '/wait') {
      // Long poll: answers once `target` records arrived, or nothing arrived for `quietMs`,
      // or `timeoutMs` passed, so the measured child never polls.
      const q = new URLSearchParams(match[3]?.slice(1) ?? '');
      const target = Number(q.get('target') ?? 0);
      const quietMs = Number(q.get('quietMs') ?? 3000);
      const deadline = nowMs() + Number(q.get('timeoutMs') ?? 30_000);
      req.resume();
      const w: Waiter = { target, quietMs, quietStart: nowMs(), res, timer: undefined };
      if (run.records >= target) return answerWaiter(run, w);
      let set = waiters.get(run.id);
      if (!set) waiters.set(run.id, (set = new Set()));
      set.add(w);
      armQuietTimer(run, w, deadline);
      return;
    }
    readBody(req, (body) => {
      let count: number;
      try {
        const raw = req.headers['content-encoding'] === 'gzip' ? gunzipSync(body) : body;
        count = (req.headers['content-type'] ?? '').includes('json')
          ? countJsonLogRecords(raw)
          : countProtobufLogRecords(raw);
      } catch {
        run.badRequests++;
        res.writeHead(400).end();
        return;
      }
      const answer = (): void => {
        if (res.destroyed) return; // the client gave up: not delivered
        const t = nowMs();
        if (run.requests === 0) run.firstArrivalMs = t;
        run.requests++;
        run.records += count;
        run.bytes += body.length;
        run.lastArrivalMs = t;
        const json = (req.headers['content-type'] ?? '').includes('json');
        res.writeHead(200, {
          'content-type': json ? 'application/json' : 'application/x-protobuf',
        });
        res.end(json ? '{}' : undefined);
        onRecords(run);
      };
      if (run.delayMs > 0) setTimeout(answer, run.delayMs);
      else answer();
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;

  return {
    url,
    newRun({ delayMs = 0 } = {}) {
      const id = nextId++;
      const run: SinkRun = {
        id,
        endpoint: `${url}/r${id}`,
        delayMs,
        records: 0,
        requests: 0,
        bytes: 0,
        badRequests: 0,
        lastArrivalMs: 0,
        firstArrivalMs: 0,
      };
      runs.set(id, run);
      return run;
    },
    endRun(run) {
      for (const w of waiters.get(run.id) ?? []) answerWaiter(run, w);
      waiters.delete(run.id);
      runs.delete(run.id);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function snapshot(run: SinkRun) {
  return {
    records: run.records,
    requests: run.requests,
    bytes: run.bytes,
    badRequests: run.badRequests,
    firstArrivalMs: run.firstArrivalMs,
    lastArrivalMs: run.lastArrivalMs,
  };
}

function readBody(req: IncomingMessage, done: (body: Buffer) => void): void {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => done(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)));
  req.on('error', () => {});
}

/** Counts `log_records` by walking three levels of length-delimited fields. */
export function countProtobufLogRecords(buf: Uint8Array): number {
  let count = 0;
  forEachField(buf, 0, buf.length, 1, (s1, e1) =>
    forEachField(buf, s1, e1, 2, (s2, e2) =>
      forEachField(buf, s2, e2, 2, () => {
        count++;
      }),
    ),
  );
  return count;
}

function forEachField(
  buf: Uint8Array,
  start: number,
  end: number,
  wanted: number,
  onField: (start: number, end: number) => void,
): void {
  let pos = start;
  const varint = (): number => {
    let result = 0;
    let shift = 0;
    for (;;) {
      if (pos >= end) throw new Error('truncated varint');
      const b = buf[pos++];
      result += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) return result;
      shift += 7;
      if (shift > 63) throw new Error('varint too long');
    }
  };
  while (pos < end) {
    const key = varint();
    const field = Math.floor(key / 8);
    switch (key & 7) {
      case 0:
        varint();
        break;
      case 1:
        pos += 8;
        break;
      case 5:
        pos += 4;
        break;
      case 2: {
        const len = varint();
        if (pos + len > end) throw new Error('truncated field');
        if (field === wanted) onField(pos, pos + len);
        pos += len;
        break;
      }
      default:
        throw new Error(`unsupported wire type ${key & 7}`);
    }
  }
  if (pos !== end) throw new Error('field overruns message');
}

/** Counts log records in an OTLP JSON body (lowerCamelCase or snake_case keys). */
export function countJsonLogRecords(buf: Uint8Array): number {
  const req = JSON.parse(Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength).toString('utf8'));
  let count = 0;
  for (const rl of req.resourceLogs ?? req.resource_logs ?? [])
    for (const sl of rl.scopeLogs ?? rl.scope_logs ?? [])
      count += (sl.logRecords ?? sl.log_records ?? []).length;
  return count;
}
