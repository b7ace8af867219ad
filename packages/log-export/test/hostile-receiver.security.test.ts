// Issue 16, item 5: a receiver (a proxy, a misconfigured endpoint, an attacker's) must not be
// able to make the exporter spin, must not have rejected records reported as exported, and
// must not write what it likes into the service's diagnostics. Each test is an attack that
// succeeded on the code before this change (noted per test).
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { DiagLogLevel, SeverityNumber, diag } from '@opentelemetry/api';
import { LoggerProvider } from '@opentelemetry/sdk-logs';
import { OtlpLogRecordProcessor } from '@threadline/log-export';
import { retryDelayMillis } from '@threadline/log-export/internal';
import type { OtlpLogRecordProcessorOptions } from '@threadline/log-export';
import { afterEach, describe, expect, it } from 'vitest';

const cleanups: Array<() => Promise<unknown> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

interface HostileReceiver {
  readonly url: string;
  /** Log export requests received so far. */
  requests: number;
}

/** A receiver on 127.0.0.1 that reads each request body, then lets `answer` respond. */
async function startHostileReceiver(
  answer: (req: IncomingMessage, res: ServerResponse) => void,
): Promise<HostileReceiver> {
  const receiver = { url: '', requests: 0 };
  const server = createServer((req, res) => {
    receiver.requests++;
    req.resume();
    req.on('end', () => answer(req, res));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/logs`;
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  return receiver;
}

function startProcessor(url: string, options: OtlpLogRecordProcessorOptions = {}) {
  const processor = new OtlpLogRecordProcessor({ url, scheduledDelayMillis: 10, ...options });
  const provider = new LoggerProvider({ processors: [processor] });
  cleanups.push(() => processor.stopNow());
  const logger = provider.getLogger('hostile-receiver-test');
  const emit = (count: number) => {
    for (let i = 0; i < count; i++)
      logger.emit({ body: `record ${i}`, severityNumber: SeverityNumber.INFO });
  };
  return { processor, emit };
}

/** Collects what reaches `diag` at WARN and above. */
function captureDiag(): string[] {
  const lines: string[] = [];
  const keep = (message: string, ...args: unknown[]) => {
    lines.push([message, ...args.map(String)].join(' '));
  };
  diag.setLogger(
    { error: keep, warn: keep, info: () => {}, debug: () => {}, verbose: () => {} },
    DiagLogLevel.WARN,
  );
  cleanups.push(() => diag.disable());
  return lines;
}

function varint(value: number): Buffer {
  const bytes: number[] = [];
  while (value >= 128) {
    bytes.push((value & 127) | 128);
    value = Math.floor(value / 128);
  }
  bytes.push(value);
  return Buffer.from(bytes);
}

/** An `ExportLogsServiceResponse` with its partial_success fields in the order given. */
function protobufPartialSuccess(fields: Array<{ rejected: number } | { message: string }>): Buffer {
  const inner = Buffer.concat(
    fields.map((field) => {
      if ('rejected' in field) return Buffer.concat([Buffer.of(0x08), varint(field.rejected)]);
      const text = Buffer.from(field.message, 'utf8');
      return Buffer.concat([Buffer.of(0x12), varint(text.length), text]);
    }),
  );
  return Buffer.concat([Buffer.of(0x0a), varint(inner.length), inner]);
}

function invariantHolds(processor: OtlpLogRecordProcessor): boolean {
  const s = processor.stats();
  const dropped = Object.values(s.dropped).reduce((a, b) => a + b, 0);
  return s.emitted === s.exported + dropped + s.queuedRecords;
}

async function settled(processor: OtlpLogRecordProcessor, records: number): Promise<void> {
  const until = Date.now() + 10_000;
  while (processor.stats().queuedRecords > 0 || processor.stats().emitted < records) {
    if (Date.now() > until) throw new Error('the batch did not settle within 10 s');
    await sleep(10);
  }
}

describe('Retry-After cannot make the exporter spin', () => {
  // Before: `Retry-After: 0` (or a past date) was obeyed as a 0 ms delay: 2,070 requests in
  // 3 s for one 10-record batch. The backoff (1 s, 1.5 s, … ±20 %) allows at most 3 in 3 s.
  it('503 with Retry-After 0, a past date, a negative number or garbage, for 3 s: at most 4 requests each', async () => {
    const headers = ['0', 'Thu, 01 Jan 1970 00:00:00 GMT', '-5', 'soon', '0.001'];
    const runs = await Promise.all(
      headers.map(async (retryAfter) => {
        const receiver = await startHostileReceiver((_req, res) => {
          res.writeHead(503, { 'retry-after': retryAfter, 'content-type': 'text/plain' });
          res.end('overloaded');
        });
        const { processor, emit } = startProcessor(receiver.url);
        emit(10);
        await sleep(3_000);
        const requests = receiver.requests;
        const stats = processor.stats();
        processor.stopNow();
        return { retryAfter, requests, stats };
      }),
    );
    for (const run of runs) {
      expect(run.requests, `Retry-After: ${run.retryAfter}`).toBeGreaterThanOrEqual(2);
      expect(run.requests, `Retry-After: ${run.retryAfter}`).toBeLessThanOrEqual(4);
      expect(run.stats.exported).toBe(0);
    }
  });

  it('honours a Retry-After longer than the backoff, never a shorter one', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    const low = () => 0; // the backoff's lowest jitter: 800 ms for the first retry
    expect(retryDelayMillis(1, '0', now, low)).toBe(800);
    expect(retryDelayMillis(1, 'Wed, 31 Dec 2025 23:59:00 GMT', now, low)).toBe(800);
    expect(retryDelayMillis(1, '-1', now, low)).toBe(800);
    expect(retryDelayMillis(1, '3', now, low)).toBe(3_000);
    expect(retryDelayMillis(1, 'Thu, 01 Jan 2026 00:00:04 GMT', now, low)).toBe(4_000);
    expect(retryDelayMillis(3, '1', now, low)).toBe(1_800);
  });
});

describe('partial success bodies of any size', () => {
  const BIG = 200 * 1024;

  // Before: the body was cut at 64 KiB, failed to parse and the 3 rejected records were
  // reported as exported.
  it('a 200 KiB protobuf body with the count first: the 3 rejected are counted, 7 exported', async () => {
    const diagLines = captureDiag();
    const body = protobufPartialSuccess([{ rejected: 3 }, { message: 'x'.repeat(BIG) }]);
    const receiver = await startHostileReceiver((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/x-protobuf' });
      res.end(body);
    });
    const { processor, emit } = startProcessor(receiver.url);
    emit(10);
    await settled(processor, 10);
    expect(processor.stats()).toMatchObject({ exported: 7, dropped: { rejected: 3 } });
    expect(invariantHolds(processor)).toBe(true);
    const warning = diagLines.find((line) => line.includes('(rejected)'));
    expect(warning).toBeDefined();
    expect(warning!.length).toBeLessThan(1_400);
  });

  // Before: all 10 counted exported. The count comes after 200 KiB of message, past the cap.
  for (const encoding of ['protobuf', 'json'] as const) {
    it(`a 200 KiB ${encoding} body whose count lies past the cap: none reported exported, all unknown_outcome`, async () => {
      const message = 'y'.repeat(BIG);
      const body =
        encoding === 'json'
          ? JSON.stringify({ partialSuccess: { errorMessage: message, rejectedLogRecords: '4' } })
          : protobufPartialSuccess([{ message }, { rejected: 4 }]);
      const receiver = await startHostileReceiver((_req, res) => {
        res.writeHead(200, {
          'content-type': encoding === 'json' ? 'application/json' : 'application/x-protobuf',
        });
        res.end(body);
      });
      const { processor, emit } = startProcessor(receiver.url, { encoding });
      emit(10);
      await settled(processor, 10);
      expect(processor.stats()).toMatchObject({
        exported: 0,
        dropped: { unknown_outcome: 10, rejected: 0 },
      });
      expect(receiver.requests).toBe(1); // a 2xx is never retried
      expect(invariantHolds(processor)).toBe(true);
    });
  }

  it('a JSON body with the count before a 200 KiB message: the count is read', async () => {
    const body = `{"partialSuccess":{"rejectedLogRecords":"6","errorMessage":"${'z'.repeat(BIG)}"}}`;
    const receiver = await startHostileReceiver((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(body);
    });
    const { processor, emit } = startProcessor(receiver.url, { encoding: 'json' });
    emit(10);
    await settled(processor, 10);
    expect(processor.stats()).toMatchObject({ exported: 4, dropped: { rejected: 6 } });
  });

  // Before: the whole body was read (and thrown away past 64 KiB) until it ended, holding
  // the export slot until the request timeout.
  it('a body that never ends: reading stops at the cap and the batch settles at once', async () => {
    let finishedWriting = false;
    const receiver = await startHostileReceiver((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/x-protobuf' });
      // partial_success whose error_message claims 26 MiB, then the text, slowly.
      const chunk = Buffer.alloc(64 * 1024, 0x61);
      const length = 400 * chunk.length;
      res.write(
        Buffer.concat([Buffer.of(0x0a), varint(length + 5), Buffer.of(0x12), varint(length)]),
      );
      let written = 0;
      const timer = setInterval(() => {
        if (res.destroyed || written >= 400) {
          clearInterval(timer);
          finishedWriting = !res.destroyed;
          if (!res.destroyed) res.end();
          return;
        }
        written++;
        res.write(chunk);
      }, 10);
    });
    const { processor, emit } = startProcessor(receiver.url, { timeoutMillis: 10_000 });
    emit(5);
    await settled(processor, 5);
    expect(finishedWriting).toBe(false);
    expect(processor.stats()).toMatchObject({ exported: 0, dropped: { unknown_outcome: 5 } });
  });

  it('garbage from a proxy with a 200 is the status’s word: exported', async () => {
    const receiver = await startHostileReceiver((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<html><body>OK</body></html>');
    });
    const { processor, emit } = startProcessor(receiver.url);
    emit(3);
    await settled(processor, 3);
    expect(processor.stats()).toMatchObject({ exported: 3 });
  });
});

describe('receiver text in diagnostics', () => {
  // Before: the receiver's error_message went into diag.warn as sent: terminal escapes,
  // forged log lines, up to 64 KiB.
  for (const encoding of ['protobuf', 'json'] as const) {
    it(`escapes control characters and caps the length (${encoding})`, async () => {
      const diagLines = captureDiag();
      const forged =
        '\u001b[2J\u001b[31mFATAL\u001b[0m\n2026-01-01T00:00:00Z ERROR forged line\r\n\u202eevil\u0000';
      const message = forged.repeat(300);
      const body =
        encoding === 'json'
          ? JSON.stringify({ partialSuccess: { rejectedLogRecords: 2, errorMessage: message } })
          : protobufPartialSuccess([{ rejected: 2 }, { message }]);
      const receiver = await startHostileReceiver((_req, res) => {
        res.writeHead(200, {
          'content-type': encoding === 'json' ? 'application/json' : 'application/x-protobuf',
        });
        res.end(body);
      });
      const { processor, emit } = startProcessor(receiver.url, { encoding });
      emit(5);
      await settled(processor, 5);
      expect(processor.stats()).toMatchObject({ exported: 3, dropped: { rejected: 2 } });
      const warning = diagLines.find((line) => line.includes('(rejected)'));
      expect(warning).toBeDefined();
      const raw = [...warning!].filter((char) => {
        const code = char.charCodeAt(0);
        return code < 0x20 || (code >= 0x7f && code <= 0x9f) || code === 0x202e;
      });
      expect(raw).toEqual([]);
      expect(warning).toContain('\\u001b[31mFATAL');
      expect(warning).toContain('\\n2026-01-01T00:00:00Z ERROR forged line\\r\\n');
      expect(warning).toMatch(/more characters\)/);
      expect(warning!.length).toBeLessThan(1_400);
    });
  }
});

/**
 * A receiver in a process of its own (flushSync blocks this one's event loop), answering every
 * request 200 with `body`; resolves with its URL once it listens.
 */
async function startReceiverProcess(body: Buffer, contentType: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'hostile-receiver-'));
  const bodyFile = join(dir, 'body');
  await writeFile(bodyFile, body);
  const script = `
    const http = require('node:http');
    const body = require('node:fs').readFileSync(process.argv[1]);
    const server = http.createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(200, { 'content-type': process.argv[2] });
        res.end(body);
      });
    });
    server.listen(0, '127.0.0.1', () => console.log(server.address().port));
    process.stdin.on('end', () => process.exit(0)).resume();
  `;
  const child = spawn(process.execPath, ['-e', script, bodyFile, contentType], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  cleanups.push(async () => {
    child.stdin.end();
    child.kill();
    await rm(dir, { recursive: true, force: true });
  });
  const port = await new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`receiver exited ${code}`)));
    child.stdout.setEncoding('utf8').once('data', (line: string) => resolve(line.trim()));
  });
  return `http://127.0.0.1:${port}/v1/logs`;
}

describe('the synchronous flush at exit reads partial success the same way', () => {
  // Before: flushSync counted every batch answered 2xx as exported, rejected records included.
  it('a 2xx with 3 rejected counts them; a 200 KiB body with the count past the cap claims nothing', async () => {
    const rejecting = await startReceiverProcess(
      protobufPartialSuccess([{ rejected: 3 }, { message: '\u001b[31mno\nmore' }]),
      'application/x-protobuf',
    );
    const first = startProcessor(rejecting, { scheduledDelayMillis: 60_000 });
    first.emit(8);
    first.processor.flushSync(5_000);
    expect(first.processor.stats()).toMatchObject({ exported: 5, dropped: { rejected: 3 } });

    const unknown = await startReceiverProcess(
      protobufPartialSuccess([{ message: 'm'.repeat(200 * 1024) }, { rejected: 1 }]),
      'application/x-protobuf',
    );
    const second = startProcessor(unknown, { scheduledDelayMillis: 60_000 });
    second.emit(4);
    second.processor.flushSync(5_000);
    expect(second.processor.stats()).toMatchObject({
      exported: 0,
      dropped: { unknown_outcome: 4 },
    });
    expect(invariantHolds(second.processor)).toBe(true);
  });
});
