// The shortcuts that keep a MiB of random text, base64 or latin1 cheap to redact (reliability
// S7: one redactString of a MiB of random printable text cost ~200 ms), each held to the
// reference it replaced: the regex over the whole text it used to run, or the full key split.
// Their costs are in bench/redact-bench.ts (long strings), never asserted here.
import { createRedactor } from '@threadline/redact';
import {
  VENDOR_SECRET_KINDS,
  createSeededRandom,
  generateVendorCredential,
} from '@threadline/redact/test-corpus';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { redactYaml } from '../src/secret-syntaxes.ts';
import { KeyClassifier, isRedactingDecision, parseKeyRule } from '../src/sensitive-keys.ts';
import type { KeyRule } from '../src/sensitive-keys.ts';
import { BUILT_IN_PATTERNS } from '../src/value-patterns.ts';

const R = '[REDACTED]';

function textOf(fragments: readonly string[], maxLength = 40): fc.Arbitrary<string> {
  return fc.array(fc.constantFrom(...fragments), { maxLength }).map((parts) => parts.join(''));
}

describe('key decisions without a split', () => {
  const fragments = [
    ...['pass', 'word', 'pw', 'd', 'tok', 'en', 'key', 'api', 'secret', 'sig', 'pin', 'cvc'],
    ...['Pass', 'PW', 'Key', 'TOKEN', 'count', 'max', 's', 'id', 'x', 'a', '1', '2'],
    ...['master', 'hmac', 'Signing', 'ssh', 'prompt', 'ary', 'author', 'sid', 'ssn'],
    ...['_', '-', '.', ' ', '[', ']', '%', '%70', 'а', 'ο', '\u200b'],
  ];
  // An allowed key turns the shortcut off; one that never matches leaves every decision as is.
  const never: KeyRule[] = [parseKeyRule('qqqqqq') as KeyRule];

  it('decide every key as the full split does, with and without extra keys', () => {
    for (const extra of [[], ['iban', '*wor*', 'ab*'].map((k) => parseKeyRule(k) as KeyRule)]) {
      const fast = new KeyClassifier(extra);
      const full = new KeyClassifier(extra, never);
      fc.assert(
        fc.property(textOf(fragments, 8), (key) => {
          expect(fast.classify(key)).toBe(full.classify(key));
          expect(fast.classifyEntry(key)).toBe(full.classifyEntry(key));
        }),
        { seed: 1207, numRuns: 3000 },
      );
    }
  });

  it('leave the key text check to classifyEntry, answered once it is asked', () => {
    let asked = 0;
    const keys = new KeyClassifier([], [], (key) => {
      asked++;
      return key.startsWith('ghp_');
    });
    expect(isRedactingDecision(keys.classify('ghp_abc'))).toBe(false);
    expect(asked).toBe(0);
    expect(keys.classifyEntry('ghp_abc')).toBe(8); // KEY_NORMAL + KEY_TEXT_SECRET
    expect(asked).toBe(1);
    expect(keys.classifyEntry('ghp_abc')).toBe(8);
    expect(asked).toBe(1);
  });
});

describe('URL credentials found from each ://', () => {
  // The expression as it ran over the whole text before.
  const URL_USERINFO = /\b([a-z][a-z0-9+.-]{0,30}:\/\/)([^\s/?#"'<>]*)@/gi;
  function reference(value: string, marker: string): string {
    return value.replace(URL_USERINFO, (match, scheme: string, userinfo: string) => {
      const colon = userinfo.indexOf(':');
      if (colon >= 0) {
        const password = userinfo.slice(colon + 1);
        if (password.length === 0 || password === marker) return match;
        return `${scheme}${userinfo.slice(0, colon)}:${marker}@`;
      }
      return userinfo.length >= 16 && /\d/.test(userinfo) && /[A-Za-z]/.test(userinfo)
        ? `${scheme}${marker}@`
        : match;
    });
  }
  const pattern = BUILT_IN_PATTERNS.get('urlCredentials');

  it('replace what the expression over the whole text replaced', () => {
    const fragments = [
      ...['https', 'postgres', 'a', 'X', '1', '+', '.', '-', '_', ':', '://', '//', '@'],
      ...['u', 'p4ss', 'tok3nabcdefghijkl', '/', '?', '#', ' ', '"', 'é', 'z'.repeat(31), R],
    ];
    const keys = new KeyClassifier();
    fc.assert(
      fc.property(textOf(fragments), (value) => {
        expect(pattern?.redact(value, { marker: R, keys })).toBe(reference(value, R));
      }),
      { seed: 2207, numRuns: 5000 },
    );
  });
});

describe('YAML key lines tried only where a candidate is', () => {
  // The loop as it ran before: the expression tried at every line start, left to right.
  const YAML_KEY_LINE =
    /^([ \t]*)(?:-[ \t]+)?(["']?)([A-Za-z_][\w.-]{0,80})\2[ \t]*:(?:[ \t]+([^\n]*))?$/gm;
  const YAML_BLOCK_HEAD = /^(?:[|>][-+0-9]{0,3})?[ \t]*(?:#.*)?$/;
  const YAML_PROPERTIES = /^(?:(?:&[^\s#]+|![^\s#]*)[ \t]+)+/;
  function indentOf(line: string): number {
    let n = 0;
    while (n < line.length && (line[n] === ' ' || line[n] === '\t')) n++;
    return n;
  }
  function blockEnd(value: string, from: number, indent: number): number {
    let end = from;
    let at = from;
    while (at < value.length) {
      let next = value.indexOf('\n', at);
      if (next === -1) next = value.length;
      const line = value.slice(at, next).replace(/\r$/, '');
      if (line.trim().length > 0) {
        if (indentOf(line) <= indent) break;
        end = next;
      }
      at = next + 1;
    }
    return end;
  }
  function reference(value: string, marker: string, keys: KeyClassifier): string {
    if (!/:[ \t]*(?:[\n\r|>&!]|$)/m.test(value)) return value;
    let out = '';
    let copied = 0;
    YAML_KEY_LINE.lastIndex = 0;
    for (let match = YAML_KEY_LINE.exec(value); match !== null; match = YAML_KEY_LINE.exec(value)) {
      const lineEnd = match.index + match[0].length;
      const rest = (match[4] ?? '').replace(/\r$/, '');
      if (!isRedactingDecision(keys.classify(match[3]))) continue;
      if (YAML_BLOCK_HEAD.test(rest)) {
        const end = blockEnd(value, lineEnd + 1, match[1].length);
        if (end <= lineEnd + 1) continue;
        const inner = value.slice(lineEnd + 1, end);
        if (inner.trim() === marker) continue;
        out += value.slice(copied, lineEnd + 1) + ' '.repeat(indentOf(inner)) + marker;
        copied = end;
        YAML_KEY_LINE.lastIndex = end;
        continue;
      }
      const properties = YAML_PROPERTIES.exec(rest);
      if (properties === null) continue;
      const valueText = rest.slice(properties[0].length).replace(/[ \t]+#.*$/, '');
      if (valueText.length === 0 || valueText.startsWith(marker)) continue;
      const start = lineEnd - rest.length + properties[0].length;
      out += value.slice(copied, start) + marker;
      copied = start + valueText.length;
    }
    return copied === 0 ? value : out + value.slice(copied);
  }

  it('redact what the loop over every line start redacted', () => {
    const line = fc
      .tuple(
        fc.constantFrom('', '  ', '    ', '\t', '- ', '  - '),
        fc.constantFrom('password', 'token', 'role', 'name', '"api_key"', "'secret'", 'x', ''),
        fc.constantFrom(':', ': ', ' :', '', ':x:'),
        fc.constantFrom('', '|', '>-', '|+2', '&a s3cret', '!!str v', '# note', 'value', R),
        fc.constantFrom('\n', '\r\n', '\r', '\u2028', '\u2029', ' ', ''),
      )
      .map((parts) => parts.join(''));
    const keys = new KeyClassifier();
    fc.assert(
      fc.property(fc.array(line, { maxLength: 12 }), (lines) => {
        const value = lines.join('');
        expect(redactYaml(value, { marker: R, keys })).toBe(reference(value, R, keys));
      }),
      { seed: 3207, numRuns: 5000 },
    );
  });
});

describe('a credential deep in a long string', () => {
  it('is found wherever it is in 64 KiB of random text or base64', () => {
    const random = createSeededRandom(4207);
    const printable = Array.from({ length: 95 }, (_, i) => String.fromCharCode(0x20 + i)).join('');
    const base64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
    const redactor = createRedactor();
    const survived: string[] = [];
    for (const kind of VENDOR_SECRET_KINDS) {
      const { secret } = generateVendorCredential(random, kind);
      for (const alphabet of [printable, base64]) {
        const filler = random.string(alphabet, 64 * 1024);
        const at = random.int(0, filler.length);
        const text = `${filler.slice(0, at)} ${secret} ${filler.slice(at)}`;
        if (redactor.redactString(text).includes(secret)) survived.push(`${kind} at ${at}`);
      }
    }
    expect(survived).toEqual([]);
  });
});
