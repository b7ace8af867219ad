import { promisify } from 'node:util';
import { gzip as gzipCallback, gzipSync } from 'node:zlib';
import { context, diag } from '@opentelemetry/api';
import { suppressTracing } from '@opentelemetry/core';
import type { LogRecordProcessor, ReadWriteLogRecord } from '@opentelemetry/sdk-logs';
import { PLAIN_RECORD_PROCESSOR } from '@threadline/core';
import { BufferPool } from './buffer-pool.ts';
import { DropWarnings } from './drop-warnings.ts';
import { appendRecord, createLogEncoder } from './encode-logs-request.ts';
import { HttpTransport } from './http-transport.ts';
import type { PendingSend } from './http-transport.ts';
import type { EncodedBatch, LogEncoder, RecordGroup } from './log-encoder.ts';
import { readPartialSuccess } from './partial-success.ts';
import { ProcessorMetrics } from './processor-metrics.ts';
import { ProtobufWriter } from './protobuf-writer.ts';
import { resolveProcessorOptions } from './resolve-options.ts';
import type { ResolvedProcessorOptions } from './resolve-options.ts';
import { receiverText } from './receiver-text.ts';
import { RETRYABLE_STATUSES, retryDelayMillis } from './retry-policy.ts';
import { sendSync } from './sync-send.ts';
import { DROP_REASONS } from './types.ts';
import type {
  DropReason,
  OtlpLogRecordProcessorOptions,
  OtlpLogRecordProcessorStats,
} from './types.ts';

const gzip = promisify(gzipCallback);
// ExportLogsServiceRequest framing around a group: tags and up to 5-byte lengths.
const REQUEST_FRAMING_BYTES = 32;

/** A sealed batch: encoded records waiting for, or going through, export. */
interface ExportBatch {
  encoded: EncodedBatch | undefined;
  /** The request body once assembled (kept so `flushSync` can resend an export in flight). */
  body: Buffer | undefined;
  readonly records: number;
  readonly bytes: number;
  done: boolean;
  readonly settled: Promise<void>;
  resolveSettled: () => void;
  send: PendingSend | undefined;
  wake: (() => void) | undefined;
  retryTimer: NodeJS.Timeout | undefined;
}

/**
 * A `LogRecordProcessor` that encodes each record to OTLP once, in `onEmit`, queues the
 * bytes under a bound in records and bytes, and exports batches over OTLP/HTTP with
 * several requests in flight and the retries the OTLP specification prescribes. Every
 * record is accounted for: exported, dropped for a counted reason, or still queued.
 */
export class OtlpLogRecordProcessor implements LogRecordProcessor {
  readonly [PLAIN_RECORD_PROCESSOR] = true;
  readonly #options: ResolvedProcessorOptions;
  readonly #encoder: LogEncoder;
  readonly #transport: HttpTransport;
  readonly #metrics: ProcessorMetrics;
  readonly #warnings = new DropWarnings();

  // The open batch is encoded straight into this reused buffer.
  readonly #writer = new ProtobufWriter(64 * 1024);
  // Sealed batches and request bodies, recycled once assembled or settled.
  readonly #buffers: BufferPool;
  #openGroups: RecordGroup[] = [];
  #openEnds: number[] = [];
  #openGroupSet = new Set<RecordGroup>();
  #lastOpenGroup: RecordGroup | undefined;
  #openBytes = 0;
  #timer: NodeJS.Timeout | undefined;
  #sealWhenFree = false;

  readonly #waiting: ExportBatch[] = [];
  readonly #active = new Set<ExportBatch>();
  #pumpScheduled = false;

  #emitted = 0;
  #exported = 0;
  readonly #dropped: Record<DropReason, number>;
  #queuedRecords = 0;
  #queuedBytes = 0;
  #retries = 0;
  #timeouts = 0;

  #shutdown: Promise<void> | undefined;
  #stopped = false;

  constructor(options: OtlpLogRecordProcessorOptions = {}) {
    this.#options = resolveProcessorOptions(options);
    this.#encoder = createLogEncoder(this.#options.encoding);
    // A batch and its body per export in flight, plus one being assembled.
    this.#buffers = new BufferPool(
      2 * this.#options.maxConcurrentExports + 2,
      2 * this.#options.maxRequestBytes,
    );
    this.#transport = new HttpTransport({
      url: this.#options.url,
      headers: this.#options.headers,
      contentType: this.#encoder.contentType,
      gzip: this.#options.compression === 'gzip',
      timeoutMillis: this.#options.timeoutMillis,
      maxSockets: this.#options.maxConcurrentExports,
    });
    this.#dropped = Object.fromEntries(DROP_REASONS.map((reason) => [reason, 0])) as Record<
      DropReason,
      number
    >;
    this.#metrics = new ProcessorMetrics(
      this.#options.meterProvider,
      {
        encoding: this.#options.encoding,
        url: this.#options.url,
        capacity: this.#options.maxQueueSize,
      },
      () => ({ records: this.#queuedRecords, bytes: this.#queuedBytes }),
    );
  }

  /** A synchronous snapshot: `emitted === exported + Σ dropped + queuedRecords` always holds. */
  stats(): OtlpLogRecordProcessorStats & { retries: number; timeouts: number } {
    return {
      emitted: this.#emitted,
      exported: this.#exported,
      dropped: { ...this.#dropped },
      queuedRecords: this.#queuedRecords,
      queuedBytes: this.#queuedBytes,
      inFlight: this.#active.size,
      retries: this.#retries,
      timeouts: this.#timeouts,
    };
  }

  onEmit(record: ReadWriteLogRecord): void {
    this.#emitted++;
    // While shutdown() flushes, records are still queued (and counted as shutdown_deadline if
    // the deadline passes first); after it, each is dropped and counted, never ignored.
    if (this.#stopped) {
      this.#drop('shutdown_deadline', 1, 'the processor has shut down');
      return;
    }
    const options = this.#options;
    if (this.#queuedRecords >= options.maxQueueSize || this.#queuedBytes >= options.maxQueueBytes) {
      this.#drop(
        'queue_full',
        1,
        `queue holds ${this.#queuedRecords} records, ${this.#queuedBytes} bytes`,
      );
      return;
    }
    const writer = this.#writer;
    const start = writer.pos;
    let group: RecordGroup;
    try {
      group = this.#encoder.group(record.resource, record.instrumentationScope);
    } catch (error) {
      this.#drop('encode_error', 1, String(error));
      return;
    }
    const error = appendRecord(this.#encoder, writer, record);
    if (error !== undefined) {
      this.#drop('encode_error', 1, String(error));
      return;
    }
    const size = writer.pos - start;
    if (size + group.overheadBytes + REQUEST_FRAMING_BYTES > options.maxRequestBytes) {
      writer.pos = start;
      this.#drop(
        'too_large',
        1,
        `a record of ${size} bytes exceeds maxRequestBytes ${options.maxRequestBytes}`,
      );
      return;
    }
    if (this.#queuedBytes + size > options.maxQueueBytes) {
      writer.pos = start;
      this.#drop('queue_full', 1, `queue holds ${this.#queuedBytes} bytes`);
      return;
    }
    // Nearly every record is of the group of the record before: no Set lookup for that one.
    const inBatch = group === this.#lastOpenGroup || this.#openGroupSet.has(group);
    const addedOverhead = inBatch ? 0 : group.overheadBytes;
    if (
      this.#openEnds.length > 0 &&
      this.#openBytes + size + addedOverhead + REQUEST_FRAMING_BYTES > options.maxExportBatchBytes
    ) {
      // The record does not fit: seal the batch without it and move it to the next one.
      const moved = Buffer.from(writer.buf.subarray(start, writer.pos));
      writer.pos = start;
      this.#seal();
      this.#schedulePump();
      writer.ensure(moved.length);
      moved.copy(writer.buf, writer.pos);
      writer.pos += moved.length;
    }
    this.#openGroups.push(group);
    this.#openEnds.push(writer.pos);
    // New to the batch, or the batch was sealed just above and this record starts the next.
    if (!inBatch || this.#openEnds.length === 1) {
      this.#openGroupSet.add(group);
      this.#openBytes += group.overheadBytes;
    }
    this.#lastOpenGroup = group;
    this.#openBytes += size;
    this.#queuedRecords++;
    this.#queuedBytes += size;
    if (
      this.#openEnds.length >= options.maxExportBatchSize ||
      this.#openBytes + REQUEST_FRAMING_BYTES >= options.maxExportBatchBytes
    ) {
      this.#seal();
      this.#schedulePump();
    } else if (this.#timer === undefined) {
      this.#timer = setTimeout(() => {
        this.#timer = undefined;
        // Every export slot busy (a slow collector): keep filling the open batch and seal it
        // when a slot frees, rather than queueing many small batches that cap throughput.
        if (this.#active.size >= options.maxConcurrentExports) {
          this.#sealWhenFree = true;
          return;
        }
        this.#seal();
        this.#pump();
      }, options.scheduledDelayMillis);
      this.#timer.unref();
    }
  }

  /** Sends everything queued; resolves once it is delivered or dropped, or after `exportTimeoutMillis`. Never rejects. */
  forceFlush(): Promise<void> {
    if (this.#shutdown !== undefined) return this.#shutdown;
    return this.#flush(this.#options.exportTimeoutMillis);
  }

  /**
   * Flushes within `shutdownTimeoutMillis`, then counts whatever is left as
   * `shutdown_deadline` and stops. Never rejects; later calls return the same promise.
   */
  shutdown(): Promise<void> {
    this.#shutdown ??= this.#shutdownOnce();
    return this.#shutdown;
  }

  /**
   * Delivers everything not yet acknowledged, synchronously, within `timeoutMillis` (default
   * `shutdownTimeoutMillis`): for Node's `exit` event, where nothing asynchronous runs any more
   * (`process.exit()` called with records still queued). A helper process sends the requests
   * while this one blocks. Exports that were in flight are sent again, so the receiver may see
   * duplicates of them (at-least-once). Then the processor is stopped like `shutdown()`; what
   * was not acknowledged is counted as `shutdown_deadline`. Never throws.
   */
  flushSync(timeoutMillis: number = this.#options.shutdownTimeoutMillis): void {
    if (this.#stopped) return;
    try {
      this.#clearTimer();
      this.#seal();
      const pending = [...this.#active, ...this.#waiting].filter((batch) => !batch.done);
      const bodies = pending.map((batch) => {
        const body =
          batch.body ?? this.#encoder.assemble(batch.encoded as EncodedBatch, Buffer.allocUnsafe);
        return this.#options.compression === 'gzip' ? gzipSync(body) : body;
      });
      const headers = {
        ...this.#options.headers,
        'content-type': this.#encoder.contentType,
        ...(this.#options.compression === 'gzip' && { 'content-encoding': 'gzip' }),
      };
      const answers = sendSync(this.#options.url, headers, bodies, timeoutMillis);
      pending.forEach((batch, i) => {
        const answer = answers[i];
        // No 2xx: left to #stop below, which counts it as shutdown_deadline (no retry at exit).
        if (answer !== undefined && answer.status >= 200 && answer.status < 300) {
          this.#accepted(batch, answer.status, answer.body, answer.json, answer.complete);
        }
      });
    } catch (error) {
      diag.error('OtlpLogRecordProcessor: synchronous flush failed', error);
    }
    this.#shutdown ??= Promise.resolve();
    this.#stop('not delivered by the synchronous flush at exit');
  }

  async #shutdownOnce(): Promise<void> {
    try {
      await this.#flush(this.#options.shutdownTimeoutMillis);
    } catch (error) {
      diag.error('OtlpLogRecordProcessor: flush at shutdown failed', error);
    }
    this.#stop(`not delivered within shutdownTimeoutMillis ${this.#options.shutdownTimeoutMillis}`);
  }

  /**
   * Stops at once, without sending anything more: whatever is not yet acknowledged is counted
   * as `shutdown_deadline`. For exit paths whose deadline ran out before `shutdown()` finished,
   * so the counts are final before the process ends. Never throws; idempotent.
   */
  stopNow(): void {
    this.#shutdown ??= Promise.resolve();
    this.#stop('not delivered before the process had to end');
  }

  /** Counts what is left as `shutdown_deadline`, aborts exports and releases everything. */
  #stop(detail: string): void {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#clearTimer();
    this.#seal();
    for (const batch of [...this.#waiting, ...this.#active]) {
      this.#finish(batch, 0, 'shutdown_deadline', detail);
      batch.send?.abort();
      if (batch.retryTimer !== undefined) clearTimeout(batch.retryTimer);
      batch.wake?.();
    }
    this.#waiting.length = 0;
    // Aborted exports settle on their own; nothing is in flight from here on.
    this.#active.clear();
    this.#metrics.shutdown();
    this.#transport.close();
  }

  async #flush(timeoutMillis: number): Promise<void> {
    this.#seal();
    this.#pump();
    const pending = [...this.#waiting, ...this.#active].map((batch) => batch.settled);
    if (pending.length === 0) return;
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, timeoutMillis);
      timer.unref();
    });
    await Promise.race([Promise.all(pending), deadline]);
    clearTimeout(timer);
  }

  #seal(): void {
    this.#clearTimer();
    this.#sealWhenFree = false;
    if (this.#openEnds.length === 0) return;
    const writer = this.#writer;
    // The batch keeps the writer's buffer; the writer goes on in a spare one of the same size.
    const arena = writer.buf.subarray(0, writer.pos);
    writer.buf = this.#buffers.take(writer.buf.length);
    const records = this.#openEnds.length;
    let resolveSettled!: () => void;
    const settled = new Promise<void>((resolve) => {
      resolveSettled = resolve;
    });
    this.#waiting.push({
      encoded: { arena, groups: this.#openGroups, ends: this.#openEnds },
      body: undefined,
      records,
      bytes: writer.pos,
      done: false,
      settled,
      resolveSettled,
      send: undefined,
      wake: undefined,
      retryTimer: undefined,
    });
    writer.pos = 0;
    this.#openGroups = [];
    this.#openEnds = [];
    this.#openGroupSet = new Set();
    this.#lastOpenGroup = undefined;
    this.#openBytes = 0;
  }

  #clearTimer(): void {
    if (this.#timer !== undefined) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
  }

  // Request assembly is deferred out of onEmit so the emitting call stays short.
  #schedulePump(): void {
    if (this.#pumpScheduled) return;
    this.#pumpScheduled = true;
    setImmediate(() => {
      this.#pumpScheduled = false;
      this.#pump();
    }).unref();
  }

  #pump(): void {
    if (this.#stopped) return;
    if (
      this.#sealWhenFree &&
      this.#waiting.length === 0 &&
      this.#active.size < this.#options.maxConcurrentExports
    )
      this.#seal();
    while (this.#active.size < this.#options.maxConcurrentExports && this.#waiting.length > 0) {
      const batch = this.#waiting.shift() as ExportBatch;
      this.#active.add(batch);
      this.#metrics.inflight(batch.records);
      // Our own HTTP requests must not be traced (and traced requests must not log here).
      void context
        .with(suppressTracing(context.active()), () => this.#export(batch))
        .finally(() => {
          this.#active.delete(batch);
          this.#metrics.inflight(-batch.records);
          this.#pump();
        });
    }
  }

  async #export(batch: ExportBatch): Promise<void> {
    try {
      const encoded = batch.encoded as EncodedBatch;
      let body = this.#encoder.assemble(encoded, (size) => this.#buffers.take(size));
      batch.encoded = undefined;
      this.#buffers.give(encoded.arena);
      batch.body = body;
      if (this.#options.compression === 'gzip') body = await gzip(body);
      const giveUpAt = Date.now() + this.#options.maxRetryMillis;
      for (let retry = 1; ; retry++) {
        if (batch.done) return;
        batch.send = this.#transport.send(body);
        const outcome = await batch.send.outcome;
        batch.send = undefined;
        if (batch.done) return;
        let retryAfter: string | undefined;
        let failure: string;
        if (outcome.kind === 'response') {
          if (outcome.status >= 200 && outcome.status < 300) {
            this.#accepted(batch, outcome.status, outcome.body, outcome.json, outcome.complete);
            return;
          }
          failure = `HTTP ${outcome.status}`;
          if (!RETRYABLE_STATUSES.has(outcome.status)) {
            this.#finish(batch, 0, 'non_retryable', failure);
            return;
          }
          retryAfter = outcome.retryAfter;
        } else {
          if (outcome.timedOut) this.#timeouts++;
          failure = outcome.error.message;
          if (!outcome.retryable) {
            this.#finish(batch, 0, 'non_retryable', failure);
            return;
          }
        }
        const delay = retryDelayMillis(retry, retryAfter);
        if (Date.now() + delay > giveUpAt) {
          this.#finish(
            batch,
            0,
            'retries_exhausted',
            `${failure}; gave up after ${retry} attempt(s)`,
          );
          return;
        }
        this.#retries++;
        diag.debug(`OtlpLogRecordProcessor: ${failure}, retry ${retry} in ${delay} ms`);
        await new Promise<void>((resolve) => {
          batch.wake = resolve;
          batch.retryTimer = setTimeout(resolve, delay);
          batch.retryTimer.unref();
        });
        batch.wake = undefined;
        batch.retryTimer = undefined;
      }
    } catch (error) {
      this.#finish(batch, 0, 'non_retryable', `export failed: ${String(error)}`);
    }
  }

  /**
   * Settles a batch the receiver answered with a 2xx: its partial success says how many were
   * rejected; when that count could not be read, nothing is claimed exported.
   */
  #accepted(
    batch: ExportBatch,
    status: number,
    body: Uint8Array,
    json: boolean,
    complete: boolean,
  ): void {
    const { rejected, message } = readPartialSuccess(body, json, complete);
    const said = message === '' ? '' : `: ${receiverText(message)}`;
    if (rejected === undefined) {
      // Neither exported nor rejected can be claimed: see `unknown_outcome` in types.ts.
      this.#finish(
        batch,
        0,
        'unknown_outcome',
        `HTTP ${status} whose partial success could not be read${said}`,
      );
      return;
    }
    const count = Math.min(rejected, batch.records);
    this.#finish(batch, batch.records - count, 'rejected', `partial success${said}`, count);
  }

  /** Settles a batch exactly once: `exported` records delivered, the rest dropped for `reason`. */
  #finish(
    batch: ExportBatch,
    exported: number,
    reason: DropReason,
    detail: string,
    dropped = batch.records - exported,
  ): void {
    if (batch.done) return;
    batch.done = true;
    // Nothing reads these any more: the request was answered, or failed and is destroyed.
    if (batch.encoded !== undefined) this.#buffers.give(batch.encoded.arena);
    if (batch.body !== undefined) this.#buffers.give(batch.body);
    batch.encoded = undefined;
    batch.body = undefined;
    this.#queuedRecords -= batch.records;
    this.#queuedBytes -= batch.bytes;
    this.#exported += exported;
    this.#metrics.exported(exported);
    if (dropped > 0) this.#drop(reason, dropped, detail);
    batch.resolveSettled();
  }

  #drop(reason: DropReason, count: number, detail: string): void {
    this.#dropped[reason] += count;
    this.#metrics.dropped(reason, count);
    this.#warnings.record(reason, count, detail);
  }
}

/** Creates an {@link OtlpLogRecordProcessor}; throws a TypeError for invalid options. */
export function createOtlpLogRecordProcessor(
  options?: OtlpLogRecordProcessorOptions,
): OtlpLogRecordProcessor {
  return new OtlpLogRecordProcessor(options);
}
