// The shortcuts that keep a MiB of random text, base64 or latin1 cheaper to redact
// (reliability S7: one redactString of a MiB of random printable text cost ~200 ms), each held
// to the reference it replaced: the regex over the whole text it used to run, or the full key
// split.
// Their costs are in bench/redact-bench.ts (long strings), never asserted here.
import { createRedactor } from '@threadline/redact';
import {
  VENDOR_SECRET_KINDS,
  createSeededRandom,
  generateVendorCredential,
} from '@threadline/redact/test-corpus';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  KEY_NORMAL,
  KeyClassifier,
  SENSITIVE_KEYS,
  SENSITIVE_KEY_MARKERS,
  SENSITIVE_LAST_WORDS,
  isRedactingDecision,
  parseKeyRule,
} from '../src/sensitive-keys.ts';
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

  // Keys found without a rule word are remembered (2,048 of them, 256 Ki characters in all):
  // a classifier that has filled and emptied that memory, with long keys too, still decides
  // every key as one that never remembered any.
  it('decide every key as the full split does after the memory of plain keys filled up', () => {
    const fast = new KeyClassifier();
    const full = new KeyClassifier([], never);
    const long = ['x'.repeat(70_000), 'x'.repeat(65_536), `${'x'.repeat(70_000)}password`];
    const keys = textOf([...fragments, ...long, 'orderId', 'file', 'node'], 6);
    fc.assert(
      fc.property(fc.array(keys, { minLength: 1, maxLength: 50 }), (sequence) => {
        for (const key of sequence) {
          expect(fast.classify(key)).toBe(full.classify(key));
          expect(fast.classifyEntry(key)).toBe(full.classifyEntry(key));
        }
      }),
      { seed: 1208, numRuns: 150 },
    );
    for (let i = 0; i < 5000; i++) fast.classify(`name${i}`);
    for (const key of ['password', 'x_pw', 'orderId', ...long])
      expect(fast.classify(key)).toBe(full.classify(key));
  });

  it('find every rule word in the search: the last words and the markers are exact keys', () => {
    for (const word of [...SENSITIVE_LAST_WORDS, ...SENSITIVE_KEY_MARKERS.keys()])
      expect(SENSITIVE_KEYS, word).toContain(word);
  });

  it('check the text of a key with a rule word only, as before', () => {
    const asked: string[] = [];
    const keys = new KeyClassifier([], [], (key) => {
      asked.push(key);
      return false;
    });
    expect(keys.classify('orderId')).toBe(KEY_NORMAL);
    expect(isRedactingDecision(keys.classify('password'))).toBe(true);
    expect(keys.classifyEntry('orderId')).toBe(KEY_NORMAL);
    expect(asked).toEqual(['password', 'orderId']);
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
      // Stack frames (`file:///`, no userinfo) and the rest of the userinfo's stop characters.
      ...['file:///', '\t', '\u00a0', '\u3000', '<', '>', "'"],
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
