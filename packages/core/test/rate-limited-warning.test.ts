import { diag, DiagLogLevel } from '@opentelemetry/api';
import { RateLimitedWarning } from '@threadline/core';
import { captureDiagWarnings } from '@threadline/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';

const captureWarnings = () => captureDiagWarnings(diag);

afterEach(() => {
  diag.disable();
  vi.useRealTimers();
});

describe('RateLimitedWarning', () => {
  it('warns once per interval with the running count and what it held back', () => {
    vi.useFakeTimers({ now: 0 });
    const warnings = captureWarnings();
    const warning = new RateLimitedWarning('@threadline/x: could not do it', 1_000);

    for (let i = 0; i < 5; i++) warning.report(new Error(`failure ${i}`));
    expect(warnings).toEqual(['@threadline/x: could not do it (1 so far)']);
    expect(warning.count).toBe(5);

    vi.setSystemTime(999);
    warning.report(new Error('still inside the interval'));
    expect(warnings).toHaveLength(1);

    vi.setSystemTime(1_000);
    warning.report(new Error('next interval'));
    expect(warnings).toEqual([
      '@threadline/x: could not do it (1 so far)',
      '@threadline/x: could not do it (7 so far, 5 not reported since the last warning)',
    ]);
    expect(warning.count).toBe(7);
  });

  it('never throws, even when the diag logger does', () => {
    diag.setLogger(
      {
        error: () => {},
        warn: () => {
          throw new Error('broken diag logger');
        },
        info: () => {},
        debug: () => {},
        verbose: () => {},
      },
      { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true },
    );
    const warning = new RateLimitedWarning('failing');
    expect(() => warning.report(new Error('x'))).not.toThrow();
    expect(warning.count).toBe(1);
  });
});
