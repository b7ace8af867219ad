import { utf8Length } from './any-value.ts';
import type { Transport } from './transport.ts';
import type { SignalStats } from './types.ts';

/** Batching settings with every default applied. */
export interface ResolvedBatch {
  readonly scheduledDelayMillis: number;
  readonly maxExportBatchSize: number;
  readonly maxQueueSize: number;
}

export interface ExportQueueConfig {
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  /** The request body up to the first item, e.g. `{"resourceLogs":[{...,"logRecords":[`. */
  readonly head: string;
  /** The request body after the last item. */
  readonly tail: string;
  readonly batch: ResolvedBatch;
  readonly maxRequestBytes: number;
  readonly transport: Transport;
  readonly stats: SignalStats;
  readonly onError: (error: unknown) => void;
}

interface QueuedItem {
  readonly json: string;
  readonly bytes: number;
  attempts: number;
}

// OTLP/HTTP: retry 429, 502, 503, 504 and network failures, with exponential backoff.
const RETRYABLE = new Set([0, 429, 502, 503, 504]);
const MAX_ATTEMPTS = 4;
const FIRST_BACKOFF_MS = 1000;
const MAX_BACKOFF_MS = 30_000;

/**
 * Holds encoded items (log records or spans) of one signal and sends them as OTLP/HTTP JSON
 * requests, bounded by count and by bytes, one request in flight at a time.
 */
export class ExportQueue {
  readonly #config: ExportQueueConfig;
  readonly #envelopeBytes: number;
  #items: QueuedItem[] = [];
  #timer: ReturnType<typeof setTimeout> | undefined;
  #inflight: Promise<void> | undefined;
  #retryDelay = 0;
  #closed = false;

  constructor(config: ExportQueueConfig) {
    this.#config = config;
    this.#envelopeBytes = utf8Length(config.head) + utf8Length(config.tail);
  }

  /** Queues one encoded item; counts it as dropped when it cannot be queued. */
  add(json: string): void {
    const { stats, batch, maxRequestBytes } = this.#config;
    if (this.#closed) {
      stats.dropped.shutdown++;
      return;
    }
    const bytes = utf8Length(json);
    if (this.#envelopeBytes + bytes > maxRequestBytes) {
      stats.dropped.tooLarge++;
      return;
    }
    if (this.#items.length >= batch.maxQueueSize) {
      stats.dropped.queueFull++;
      return;
    }
    this.#items.push({ json, bytes, attempts: 0 });
    stats.queued++;
    if (this.#items.length >= batch.maxExportBatchSize && this.#retryDelay === 0) this.#pump();
    else this.#schedule(this.#retryDelay || batch.scheduledDelayMillis);
  }

  /** Sends everything queued now (each item at most once more); resolves when answered. */
  async flush(): Promise<void> {
    this.#clearTimer();
    let remaining = this.#items.length;
    while (remaining > 0 || this.#inflight !== undefined) {
      if (this.#inflight !== undefined) {
        await this.#inflight;
        continue;
      }
      if (this.#items.length === 0) break;
      const before = this.#items.length;
      this.#pump(true);
      remaining -= before - this.#items.length;
    }
    // Items put back for a retry wait for the backoff like any others.
    if (this.#items.length > 0) {
      this.#schedule(this.#retryDelay || this.#config.batch.scheduledDelayMillis);
    }
  }

  /**
   * The page is being hidden, maybe for good: hand every queued item to the browser now,
   * in requests that fit the keepalive budget. What the browser would not take stays
   * queued, for the timer to send if the page comes back.
   */
  flushOnHide(): void {
    this.#clearTimer();
    const { transport, stats } = this.#config;
    while (this.#items.length > 0) {
      const batch = this.#takeBatch();
      const request = this.#request(batch);
      if (!transport.sendOnHide(request)) {
        this.#items.unshift(...batch);
        this.#schedule(this.#config.batch.scheduledDelayMillis);
        return;
      }
      stats.requests++;
      stats.exported += batch.length;
    }
  }

  /** Drops what is still queued (counted as `shutdown`) and refuses further items. */
  close(): void {
    this.#closed = true;
    this.#clearTimer();
    this.#config.stats.dropped.shutdown += this.#items.length;
    this.#items = [];
  }

  #schedule(delay: number): void {
    if (this.#timer !== undefined || this.#inflight !== undefined) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#pump();
    }, delay);
  }

  #clearTimer(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #takeBatch(): QueuedItem[] {
    const { maxExportBatchSize } = this.#config.batch;
    let bytes = this.#envelopeBytes;
    let count = 0;
    while (count < this.#items.length && count < maxExportBatchSize) {
      const next = bytes + this.#items[count].bytes + (count > 0 ? 1 : 0);
      if (count > 0 && next > this.#config.maxRequestBytes) break;
      bytes = next;
      count++;
    }
    return this.#items.splice(0, count);
  }

  #request(batch: readonly QueuedItem[]) {
    const { head, tail, url, headers } = this.#config;
    let body = head;
    let bytes = this.#envelopeBytes;
    for (let i = 0; i < batch.length; i++) {
      if (i > 0) body += ',';
      body += batch[i].json;
      bytes += batch[i].bytes + (i > 0 ? 1 : 0);
    }
    return { url, headers, body: body + tail, bytes };
  }

  #pump(flushing = false): void {
    if (this.#inflight !== undefined || this.#items.length === 0) return;
    this.#clearTimer();
    const batch = this.#takeBatch();
    const { transport, stats } = this.#config;
    stats.requests++;
    // A retry goes without keepalive: the keepalive failure may have been the budget.
    const keepalive = batch.every((item) => item.attempts === 0);
    this.#inflight = transport
      .send(this.#request(batch), keepalive)
      .then((status) => this.#settle(batch, status))
      .catch((error: unknown) => this.#config.onError(error))
      .finally(() => {
        this.#inflight = undefined;
        if (flushing || this.#closed) return;
        if (this.#retryDelay === 0 && this.#items.length >= this.#config.batch.maxExportBatchSize) {
          this.#pump();
        } else if (this.#items.length > 0) {
          this.#schedule(this.#retryDelay || this.#config.batch.scheduledDelayMillis);
        }
      });
  }

  #settle(batch: QueuedItem[], status: number): void {
    const { stats, onError } = this.#config;
    if (status >= 200 && status < 300) {
      stats.exported += batch.length;
      this.#retryDelay = 0;
      return;
    }
    const retry = RETRYABLE.has(status)
      ? batch.filter((item) => ++item.attempts < MAX_ATTEMPTS)
      : [];
    stats.dropped.exportFailed += batch.length - retry.length;
    onError(
      new Error(
        `OTLP export to ${this.#config.url} failed (${status === 0 ? 'network error' : `HTTP ${status}`})`,
      ),
    );
    if (retry.length === 0) return;
    const room = this.#config.batch.maxQueueSize - this.#items.length;
    const kept = retry.slice(0, Math.max(room, 0));
    stats.dropped.queueFull += retry.length - kept.length;
    this.#items.unshift(...kept);
    this.#retryDelay = Math.min(
      this.#retryDelay === 0 ? FIRST_BACKOFF_MS : this.#retryDelay * 2,
      MAX_BACKOFF_MS,
    );
  }
}
