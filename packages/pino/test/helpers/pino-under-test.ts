import { createRequire } from 'node:module';
import { Writable } from 'node:stream';
import { context, trace } from '@opentelemetry/api';
import type { Context, Tracer } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  InMemoryLogRecordExporter,
  LoggerProvider,
  SimpleLogRecordProcessor,
} from '@opentelemetry/sdk-logs';
import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { TracerProvider } from '@opentelemetry/sdk-trace';
import { PLAIN_RECORD_PROCESSOR } from '@threadline/pino';

const require = createRequire(import.meta.url);

export interface PinoLogger {
  trace(...args: unknown[]): void;
  debug(...args: unknown[]): void;
  info(...args: unknown[]): void;
  warn(...args: unknown[]): void;
  error(...args: unknown[]): void;
  fatal(...args: unknown[]): void;
  child(bindings: Record<string, unknown>, options?: Record<string, unknown>): PinoLogger;
  setBindings(bindings: Record<string, unknown>): void;
  level: string;
  [custom: string]: unknown;
}
export type Pino = ((...args: unknown[]) => PinoLogger) & {
  pino: Pino;
  default: Pino;
  destination(options: unknown): Writable;
  transport(options: unknown): Writable & { on(event: string, fn: () => void): void };
  stdTimeFunctions: Record<string, () => string>;
};

/**
 * Loads pino afresh, so the instrumentation enabled before sees it load, as in an app: the
 * require hook only patches a module as it is loaded.
 */
export function freshPino(): Pino {
  const dir = require.resolve('pino').replace(/pino\.js$/, '');
  for (const id of Object.keys(require.cache)) if (id.startsWith(dir)) delete require.cache[id];
  return require('pino') as Pino;
}

/** A destination collecting pino's lines, parsed. */
export class Lines extends Writable {
  readonly raw: string[] = [];
  override _write(chunk: Buffer, _encoding: string, done: () => void): void {
    this.raw.push(...String(chunk).split('\n').filter(Boolean));
    done();
  }
  get parsed(): Record<string, unknown>[] {
    return this.raw.map((line) => JSON.parse(line) as Record<string, unknown>);
  }
}

/** What a processor saw of one record, copied during onEmit (the direct path reuses it). */
export interface Seen {
  record: Pick<
    ReadableLogRecord,
    'severityNumber' | 'severityText' | 'body' | 'attributes' | 'spanContext'
  >;
  /** The SDK's LogRecordImpl has methods; the direct path hands over a plain object. */
  isSdkRecord: boolean;
}

/** A processor honouring the plain-record contract, so the direct path is taken. */
export class PlainCapture {
  readonly [PLAIN_RECORD_PROCESSOR] = true;
  readonly seen: Seen[] = [];
  onEmit(record: ReadableLogRecord, _context?: Context): void {
    this.seen.push({
      record: {
        severityNumber: record.severityNumber,
        severityText: record.severityText,
        body: structuredClone(record.body),
        attributes: structuredClone(record.attributes),
        spanContext: record.spanContext && { ...record.spanContext },
      },
      isSdkRecord: typeof (record as { setAttribute?: unknown }).setAttribute === 'function',
    });
  }
  forceFlush(): Promise<void> {
    return Promise.resolve();
  }
  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

/** A provider whose processors take plain records (the direct path). */
export function plainProvider(): { provider: LoggerProvider; capture: PlainCapture } {
  const capture = new PlainCapture();
  return { provider: new LoggerProvider({ processors: [capture] }), capture };
}

/** A provider with the SDK's own processor (no plain-record contract: the SDK path). */
export function sdkProvider(): { provider: LoggerProvider; exporter: InMemoryLogRecordExporter } {
  const exporter = new InMemoryLogRecordExporter();
  return {
    provider: new LoggerProvider({ processors: [new SimpleLogRecordProcessor({ exporter })] }),
    exporter,
  };
}

let contextManagerRegistered = false;

/** A tracer whose active spans propagate through AsyncLocalStorage. */
export function createTracer(): Tracer {
  if (!contextManagerRegistered) {
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    contextManagerRegistered = true;
  }
  return new TracerProvider().getTracer('test');
}

/** Runs `fn` inside a new active span and returns the span's ids. */
export function inSpan(fn: () => void): { traceId: string; spanId: string } {
  return createTracer().startActiveSpan('unit', (span) => {
    try {
      fn();
    } finally {
      span.end();
    }
    const { traceId, spanId } = span.spanContext();
    return { traceId, spanId };
  });
}

export function activeTraceId(): string | undefined {
  return trace.getActiveSpan()?.spanContext().traceId;
}
