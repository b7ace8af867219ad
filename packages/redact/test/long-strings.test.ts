// Strings over 1 MiB (and a 16 KiB margin) are cut when redacted, after the part kept is
// redacted (reliability S7: nested 10 MiB strings were scanned whole, 40–120 ms per call, and
// delivered whole to console and file transports). Before this, only the top-level strings of
// a winston entry were cut, by @threadline/winston.
import { createRedactor } from '@threadline/redact';
import { describe, expect, it } from 'vitest';

const MiB = 1024 * 1024;
const R = '[REDACTED]';

describe('strings over 1 MiB', () => {
  const redactor = createRedactor();

  it('cuts a nested string, redacting the part kept, and says how much was cut', () => {
    for (const filler of ['x', 'ab ', 'é', '1 ']) {
      const text = `${filler.repeat(Math.ceil((MiB - 100) / filler.length))} password=hunter2 ${filler.repeat(Math.ceil((9 * MiB) / filler.length))}`;
      const out = redactor.redactValue({ a: { b: [text] } }) as { a: { b: string[] } };
      const cut = out.a.b[0];
      expect(cut.length).toBeLessThan(MiB + 64);
      expect(cut).not.toContain('hunter2');
      expect(cut).toContain(`password=${R}`);
      expect(cut).toMatch(/…\[\d+ more characters cut\]$/);
      // Redacting the result again changes nothing.
      expect(redactor.redactString(cut)).toBe(cut);
    }
  });

  it('redacts a secret that starts before the cut and ends after it', () => {
    const key = `-----BEGIN PRIVATE KEY-----\n${'A'.repeat(4000)}\n-----END PRIVATE KEY-----`;
    const token = `ghp_${'a1B2c3D4e5'.repeat(3)}abcdef`;
    for (const secret of [key, token, `Bearer ${'z9'.repeat(20)}`]) {
      for (const before of [MiB - 10, MiB - secret.length + 3, MiB]) {
        const text = `${'x '.repeat(before / 2)}${secret} ${'y'.repeat(2 * MiB)}`;
        const cut = redactor.redactString(text);
        expect(cut.length).toBeLessThan(MiB + 64);
        // The secret's middle (a PEM block keeps its BEGIN and END lines) does not survive.
        const middle = Math.floor(secret.length / 2);
        const body = secret.slice(middle, middle + 12);
        expect(cut).not.toContain(body);
      }
    }
  });

  it('leaves strings up to the limit whole', () => {
    const text = `${'x'.repeat(MiB)} password=hunter2`;
    const out = redactor.redactString(text);
    expect(out).toBe(`${'x'.repeat(MiB)} password=${R}`);
  });

  it('never leaves half a surrogate pair at the cut', () => {
    const text = 'x'.repeat(MiB - 1) + '😀'.repeat(MiB);
    const cut = redactor.redactString(text);
    const last = cut.indexOf('…[');
    const code = cut.charCodeAt(last - 1);
    expect(code >= 0xd800 && code <= 0xdbff).toBe(false);
  });
});
