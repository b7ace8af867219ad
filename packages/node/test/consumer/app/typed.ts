// Type-checked against the published declarations only (no sources, no path mapping), under
// `moduleResolution` nodenext and bundler. Every entry point of every public package is
// imported; the @ts-expect-error lines prove the types are real (an `any` would fail them).
import { startBrowserTelemetry, parseTraceparent } from '@threadline/browser';
import { RateLimitedWarning } from '@threadline/core';
import { createEvents } from '@threadline/events';
import { createHealth, errorHandler, requestLogger } from '@threadline/express';
import { DEFAULT_OPTIONS, OtlpLogRecordProcessor } from '@threadline/log-export';
import { start, ThreadlineConfigError } from '@threadline/node';
import type { ThreadlineHandle, ThreadlineNodeOptions } from '@threadline/node';
import { createRedactor } from '@threadline/redact';
import type { Redactor } from '@threadline/redact';
import { CREDENTIAL_FORMATS } from '@threadline/redact/rules';
import { startOtlpReceiver } from '@threadline/testing';
import { OpenTelemetryTransport, traceContextFormat } from '@threadline/winston';

const options: ThreadlineNodeOptions = { serviceName: 'typed-consumer' };
const handle: ThreadlineHandle = start(options);
const flushed: Promise<void> = handle.forceFlush();
const redactor: Redactor = createRedactor();
const clean: unknown = redactor.redactValue({ password: 'x' });
const configError: Error = new ThreadlineConfigError('x');
const formats: number = CREDENTIAL_FORMATS.length;
const queue: number = DEFAULT_OPTIONS.maxQueueSize;

// @ts-expect-error serviceName is a string
const wrong: ThreadlineNodeOptions = { serviceName: 42 };
// @ts-expect-error start() returns a handle, not a promise
await start(options).then(() => undefined);

export {
  clean,
  configError,
  createEvents,
  createHealth,
  errorHandler,
  flushed,
  formats,
  OpenTelemetryTransport,
  OtlpLogRecordProcessor,
  parseTraceparent,
  queue,
  RateLimitedWarning,
  requestLogger,
  startBrowserTelemetry,
  startOtlpReceiver,
  traceContextFormat,
  wrong,
};
