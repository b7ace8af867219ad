import { createRequire } from 'node:module';
import { context, logs, trace } from '@opentelemetry/api';
import type { Tracer } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  InMemoryLogRecordExporter,
  LoggerProvider,
  SimpleLogRecordProcessor,
} from '@opentelemetry/sdk-logs';
import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { TracerProvider } from '@opentelemetry/sdk-trace';
import type winston from 'winston';

export interface LogCapture {
  readonly provider: LoggerProvider;
  readonly exporter: InMemoryLogRecordExporter;
  records(): ReadableLogRecord[];
}

/** A LoggerProvider exporting synchronously into memory. */
export function createLogCapture(): LogCapture {
  const exporter = new InMemoryLogRecordExporter();
  const provider = new LoggerProvider({ processors: [new SimpleLogRecordProcessor({ exporter })] });
  return { provider, exporter, records: () => exporter.getFinishedLogRecords() };
}

/** Registers `capture` as the global provider, replacing any earlier one. */
export function useGlobalLogCapture(capture: LogCapture): void {
  logs.disable();
  logs.setGlobalLoggerProvider(capture.provider);
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
export function inSpan(tracer: Tracer, fn: () => void): { traceId: string; spanId: string } {
  return tracer.startActiveSpan('unit', (span) => {
    try {
      fn();
    } finally {
      span.end();
    }
    const { traceId, spanId } = span.spanContext();
    return { traceId, spanId };
  });
}

export function activeSpanIds(): { traceId: string; spanId: string } | undefined {
  const spanContext = trace.getActiveSpan()?.spanContext();
  return spanContext && { traceId: spanContext.traceId, spanId: spanContext.spanId };
}

const require = createRequire(import.meta.url);

/**
 * Loads winston afresh through Node's require, so an instrumentation enabled beforehand sees
 * `winston/lib/winston/logger.js` being loaded, as in an application.
 */
export function requireFreshWinston(): typeof winston {
  const winstonDir = require.resolve('winston/package.json').replace(/package\.json$/, '');
  // logform too: its json format is patched when it loads.
  const winstonRequire = createRequire(`${winstonDir}package.json`);
  const logformDir = winstonRequire.resolve('logform/package.json').replace(/package\.json$/, '');
  for (const id of Object.keys(require.cache))
    if (id.startsWith(winstonDir) || id.startsWith(logformDir)) delete require.cache[id];
  return require('winston') as typeof winston;
}
