import { Writable } from 'node:stream';
import winston from 'winston';
import { escapeControlCharacters, lineSafeFormat } from '@threadline/redact';
import { describe, expect, it } from 'vitest';

describe('escapeControlCharacters', () => {
  it('makes a forged log line visible instead of starting a new one', () => {
    const forged = 'login failed for bob\n2024-06-01T00:00:00Z INFO login succeeded for admin';
    const escaped = escapeControlCharacters(forged);
    expect(escaped).toBe(
      'login failed for bob\\n2024-06-01T00:00:00Z INFO login succeeded for admin',
    );
    expect(escaped.split('\n')).toHaveLength(1);
  });

  it.each([
    ['\r', '\\r'],
    ['\n', '\\n'],
    ['\t', '\\t'],
    ['\0', '\\u0000'],
    ['\u001b[2J', '\\u001b[2J'],
    ['\u0007', '\\u0007'],
    ['\u007f', '\\u007f'],
    ['\u0085', '\\u0085'],
    ['\u2028', '\\u2028'],
    ['\u2029', '\\u2029'],
    ['\u202e', '\\u202e'],
    ['\u2066', '\\u2066'],
    ['\u061c', '\\u061c'],
  ])('escapes %j as %s', (raw, escaped) => {
    expect(escapeControlCharacters(`a${raw}b`)).toBe(`a${escaped}b`);
  });

  it('returns the same string when there is nothing to escape', () => {
    const text = 'GET /orders/ord_123 200 12ms – café ✓ 日本';
    expect(escapeControlCharacters(text)).toBe(text);
  });

  it('leaves backslashes as they are', () => {
    expect(escapeControlCharacters('C:\\temp\\n')).toBe('C:\\temp\\n');
  });
});

describe('lineSafeFormat with winston', () => {
  it('keeps a forged line inside the one line of a simple-format entry', () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _encoding, callback) {
        lines.push(
          ...String(chunk)
            .split('\n')
            .filter((line) => line !== ''),
        );
        callback();
      },
    });
    const logger = winston.createLogger({
      format: winston.format.combine(
        lineSafeFormat() as unknown as winston.Logform.Format,
        winston.format.simple(),
      ),
      transports: [new winston.transports.Stream({ stream: sink })],
    });
    logger.info('paid\ninfo: {"message":"refund issued"}', { note: 'a\r\nb\u001b[31m' });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('paid\\ninfo:');
    expect(lines[0]).not.toContain('\u001b');
  });
});
