import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SeverityNumber } from '@opentelemetry/api';
import {
  ATTR_EXCEPTION_MESSAGE,
  ATTR_EXCEPTION_STACKTRACE,
  ATTR_EXCEPTION_TYPE,
} from '@opentelemetry/semantic-conventions';
import { startOtlpReceiver } from '@threadline/testing';
import type { OtlpReceiver } from '@threadline/testing';
import { runFixture } from './run-fixture.ts';

let receiver: OtlpReceiver;
beforeAll(async () => {
  receiver = await startOtlpReceiver();
});
afterAll(() => receiver.close());
beforeEach(() => receiver.reset());

describe('exit without loss', () => {
  it('SIGTERM right after a burst of 5,000 logs: all 5,000 arrive, then the signal ends the process', async () => {
    // The default 1 s batch delay: nothing would be sent yet without the signal handler.
    const run = runFixture('burst-then-wait.mjs', {
      endpoint: receiver.url,
      env: { COUNT: '5000', OTEL_BLRP_SCHEDULE_DELAY: '1000' },
    });
    await run.waitForOutput('logged 5000');
    run.child.kill('SIGTERM');
    const { code, signal } = await run.exited();
    expect({ code, signal }).toEqual({ code: null, signal: 'SIGTERM' });
    const records = receiver.logs().filter((r) => r.body === 'burst record');
    expect(records).toHaveLength(5000);
    expect(new Set(records.map((r) => r.attributes.seq)).size).toBe(5000);
  });

  it('SIGINT is handled the same way', async () => {
    const run = runFixture('burst-then-wait.mjs', {
      endpoint: receiver.url,
      env: { COUNT: '10', OTEL_BLRP_SCHEDULE_DELAY: '5000' },
    });
    await run.waitForOutput('logged 10');
    run.child.kill('SIGINT');
    const { signal } = await run.exited();
    expect(signal).toBe('SIGINT');
    expect(receiver.logs()).toHaveLength(10);
  });

  it('process.exit() right after a burst of 3,000 logs: all 3,000 arrive, exit code kept', async () => {
    // Nothing asynchronous runs after process.exit(): the queued records are sent
    // synchronously from the exit event.
    const run = runFixture('exit-now.mjs', {
      endpoint: receiver.url,
      env: { COUNT: '3000', EXIT_CODE: '3', OTEL_BLRP_SCHEDULE_DELAY: '5000' },
    });
    const { code } = await run.exited();
    expect(code).toBe(3);
    const records = receiver.logs().filter((r) => r.body === 'record before exit');
    expect(new Set(records.map((r) => r.attributes.seq)).size).toBe(3000);
  });

  it('process.exit() with the collector down cannot hold the process past the deadline', async () => {
    const run = runFixture('exit-now.mjs', {
      endpoint: 'http://127.0.0.1:9',
      env: { COUNT: '10', THREADLINE_SHUTDOWN_TIMEOUT: '1000', OTEL_LOG_LEVEL: 'none' },
    });
    const startedAt = Date.now();
    const { code } = await run.exited();
    expect(code).toBe(0);
    expect(Date.now() - startedAt).toBeLessThan(5000);
  });

  it('an unreachable collector cannot hold the process past the shutdown deadline', async () => {
    const run = runFixture('burst-then-wait.mjs', {
      // A port nothing listens on: every export fails and the exporter retries.
      endpoint: 'http://127.0.0.1:9',
      env: { COUNT: '10', THREADLINE_SHUTDOWN_TIMEOUT: '1000', OTEL_LOG_LEVEL: 'none' },
    });
    await run.waitForOutput('logged 10');
    const sentAt = Date.now();
    run.child.kill('SIGTERM');
    const { signal } = await run.exited();
    expect(signal).toBe('SIGTERM');
    expect(Date.now() - sentAt).toBeLessThan(3000);
  });

  it.each([
    ['an uncaught exception', {}, 'RangeError', 'order total out of range', 'uncaughtException'],
    [
      'an unhandled rejection',
      { MODE: 'rejection' },
      'TypeError',
      'payment gateway unreachable',
      'unhandledRejection',
    ],
  ])(
    '%s becomes one FATAL record with its stack, tied to the request span; exit code 1',
    async (_t, env, type, message, origin) => {
      const run = runFixture('crash.mjs', {
        endpoint: receiver.url,
        env: env as Record<string, string>,
      });
      const { code, stderr } = await run.exited();
      expect(code).toBe(1);
      // Node's own report is still printed.
      expect(stderr).toContain(message);

      const fatal = receiver.logs().filter((r) => r.severityNumber === SeverityNumber.FATAL);
      expect(fatal).toHaveLength(1);
      expect(fatal[0].severityText).toBe('FATAL');
      expect(fatal[0].attributes[ATTR_EXCEPTION_TYPE]).toBe(type);
      expect(fatal[0].attributes[ATTR_EXCEPTION_MESSAGE]).toBe(message);
      expect(String(fatal[0].attributes[ATTR_EXCEPTION_STACKTRACE])).toContain('crash.mjs');
      expect(fatal[0].attributes['exception.origin']).toBe(origin);

      // Correlated to the request span in which the error escaped.
      const server = receiver.spans().find((s) => s.kind === 2);
      expect(server).toBeDefined();
      expect(fatal[0].traceId).toBe(server!.traceId);
      expect(fatal[0].spanId).toBe(server!.spanId);
      if (origin === 'uncaughtException') {
        // The exception escaped the span, which is exported as failed with the exception.
        expect(server!.status.code).toBe(2);
        expect(
          server!.events.find((e) => e.name === 'exception')?.attributes[ATTR_EXCEPTION_MESSAGE],
        ).toBe(message);
      }
    },
  );
});
