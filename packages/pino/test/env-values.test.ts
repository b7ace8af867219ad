// Issue 18 item 4 for @threadline/pino: THREADLINE_PINO_LOG_SENDING is read by @threadline/core's
// reader. A value it does not know is warned about once (naming the variable and the default)
// and the default is what the app gets: records are sent. Known values switch sending.
import { diag } from '@opentelemetry/api';
import { PinoInstrumentation } from '@threadline/pino';
import { captureDiagWarnings } from '@threadline/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Lines, freshPino, plainProvider } from './helpers/pino-under-test.ts';

const instrumentation = new PinoInstrumentation({ enabled: false });
afterEach(() => {
  instrumentation.disable();
  vi.unstubAllEnvs();
  diag.disable();
});

/** Three instrumentations configured under the current env; the records one logger sends. */
function sentUnderEnv(): string[] {
  for (let i = 0; i < 3; i++) instrumentation.setConfig({});
  const { provider, capture } = plainProvider();
  instrumentation.setLoggerProvider(provider);
  instrumentation.enable();
  freshPino()(new Lines()).info('sent?');
  return capture.seen.map((s) => String(s.record.body));
}

describe('THREADLINE_PINO_LOG_SENDING', () => {
  it.each(['maybe', 'enabled', ''.padEnd(300, 'x')])(
    '%j: warned once naming the variable and the default, records sent',
    (value) => {
      const warnings = captureDiagWarnings(diag);
      vi.stubEnv('THREADLINE_PINO_LOG_SENDING', value);
      expect(sentUnderEnv()).toEqual(['sent?']);
      const about = warnings.filter((w) => w.includes('THREADLINE_PINO_LOG_SENDING'));
      expect(about).toHaveLength(1);
      expect(about[0]).toMatch(/@threadline\/pino: ignoring THREADLINE_PINO_LOG_SENDING=/);
      expect(about[0]).toContain('using the default');
    },
  );

  it.each([
    ['false', []],
    ['off', []],
    ['0', []],
    [' TRUE ', ['sent?']],
    ['yes', ['sent?']],
  ])('%j switches sending', (value, expected) => {
    const warnings = captureDiagWarnings(diag);
    vi.stubEnv('THREADLINE_PINO_LOG_SENDING', value);
    expect(sentUnderEnv()).toEqual(expected);
    expect(warnings).toEqual([]);
  });

  it('a code option wins over the variable', () => {
    vi.stubEnv('THREADLINE_PINO_LOG_SENDING', 'false');
    instrumentation.setConfig({ disableLogSending: false });
    const { provider, capture } = plainProvider();
    instrumentation.setLoggerProvider(provider);
    instrumentation.enable();
    freshPino()(new Lines()).info('code decides');
    expect(capture.seen).toHaveLength(1);
  });
});
