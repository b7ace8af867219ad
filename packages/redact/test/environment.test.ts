import { diag } from '@opentelemetry/api';
import type { DiagLogger } from '@opentelemetry/api';
import { createRedactor } from '@threadline/redact';
import { afterEach, describe, expect, it, vi } from 'vitest';

function captureWarnings(): string[] {
  const warnings: string[] = [];
  const logger: DiagLogger = {
    warn: (message: string) => void warnings.push(message),
    error() {},
    info() {},
    debug() {},
    verbose() {},
  };
  diag.setLogger(logger);
  return warnings;
}

afterEach(() => {
  vi.unstubAllEnvs();
  diag.disable();
});

describe('THREADLINE_REDACT_* environment variables', () => {
  it('THREADLINE_REDACT_REPLACEMENT sets the marker unless the option does', () => {
    vi.stubEnv('THREADLINE_REDACT_REPLACEMENT', '<hidden>');
    expect(createRedactor().redactString('password=x1')).toBe('password=<hidden>');
    expect(createRedactor({ replacement: '#' }).redactString('password=x1')).toBe('password=#');
  });

  it('THREADLINE_REDACT_DISABLE_PATTERNS turns built-in patterns off unless the option is set', () => {
    vi.stubEnv('THREADLINE_REDACT_DISABLE_PATTERNS', 'cardNumber, jwt');
    const card = 'card 4111111111111111';
    expect(createRedactor().redactString(card)).toBe(card);
    expect(createRedactor({ disablePatterns: [] }).redactString(card)).toBe('card [REDACTED]');
  });

  it('THREADLINE_REDACT_MAX_DEPTH sets the depth unless the option does', () => {
    vi.stubEnv('THREADLINE_REDACT_MAX_DEPTH', '1');
    expect(createRedactor().redactValue({ a: { b: 1 } })).toEqual({ a: '[MaxDepth]' });
    expect(createRedactor({ maxDepth: 5 }).redactValue({ a: { b: 1 } })).toEqual({ a: { b: 1 } });
  });

  it('ignores invalid values with a diag warning instead of throwing', () => {
    const warnings = captureWarnings();
    vi.stubEnv('THREADLINE_REDACT_DISABLE_PATTERNS', 'nope');
    vi.stubEnv('THREADLINE_REDACT_MAX_DEPTH', 'deep');
    vi.stubEnv('THREADLINE_REDACT_EXTRA_KEYS', '*');
    const redactor = createRedactor();
    expect(redactor.redactString('card 4111111111111111')).toBe('card [REDACTED]');
    expect(redactor.isSensitiveKey('anything')).toBe(false);
    expect(warnings).toHaveLength(3);
    expect(warnings.join('\n')).toMatch(/THREADLINE_REDACT_DISABLE_PATTERNS.*nope/);
  });

  // Issue 18 item 4: read through @threadline/core's one reader, so a bad value is reported
  // the way every package reports it (naming the variable and what is used instead), once,
  // however many redactors read it; the redactor works on with the default.
  it('a bad value is warned once, naming the variable and the default used', () => {
    const warnings = captureWarnings();
    vi.stubEnv('THREADLINE_REDACT_MAX_DEPTH', '0x10');
    const first = createRedactor();
    createRedactor();
    createRedactor();
    const depth = warnings.filter((w) => w.includes('THREADLINE_REDACT_MAX_DEPTH'));
    expect(depth).toHaveLength(1);
    expect(depth[0]).toContain('@threadline/redact');
    expect(depth[0]).toContain('"0x10"');
    expect(depth[0]).toContain('using 10');
    // The default depth (10) applies: a 9-level object is walked whole.
    let nested: Record<string, unknown> = { leaf: 'password=hunter2x' };
    for (let i = 0; i < 8; i++) nested = { next: nested };
    expect(JSON.stringify(first.redactValue(nested))).toContain('password=[REDACTED]');
  });
});
