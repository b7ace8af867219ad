// The marker pre-scan (value-patterns.ts `scanForMarkers`) answers with a JS loop for short
// strings and with one native search per kind of marker for long ones (reliability S7: a
// 10 MiB Error text walked character by character took 40–120 ms per call). Both must give the
// answer of the per-character reference below, which is the loop the scan had before
// (commit 8f75073) for every string that passed the pre-scan.
import { scanForMarkers } from '@threadline/redact/rules';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

const PRE_SCAN = [
  /[=:]|eyJ|-----|[Bb][EeAa][AaSs][RrIi]|A[KS]IA|<\/|['"]|-[-p]/,
  /\d\d\d\d[ -]?\d\d/,
];
const PREFIX_HINT = /(?:[_.~-]|SK|dapi|EAAA|LTAI|EZ[AT]K|GR13|AIza|ATATT3|AKCp)[\w+/~.-]{19}/;
const TOKEN = /[A-Za-z0-9_.~+/%-]/;

function isNonAsciiName(code: number): boolean {
  return (
    code >= 0xc0 &&
    code !== 0xd7 &&
    code !== 0xf7 &&
    !(code >= 0x2000 && code <= 0x200a) &&
    !(code >= 0x2010 && code <= 0x205f) &&
    !(code >= 0x3000 && code <= 0x303f) &&
    code !== 0xff1a &&
    code !== 0xff1d
  );
}

function isPathCode(code: number): boolean {
  return /[\w.~%+-]/.test(String.fromCharCode(code)) || isNonAsciiName(code);
}

function hasPathSegment(value: string, slash: number): boolean {
  return (
    value.length > slash + 8 &&
    [...value.slice(slash + 1, slash + 9)].every((ch) => isPathCode(ch.charCodeAt(0)))
  );
}

/**
 * The pre-scan and per-character marker loop of commit 8f75073, written plainly; one change:
 * the pre-scan stops at a path of letters beyond ASCII as the loop did (it stopped at ASCII
 * path characters only, so the loop's answer depended on another marker being there).
 */
function referenceMarkers(value: string): number {
  const passes =
    PRE_SCAN.some((re) => re.test(value)) ||
    value.split('').some((c, i) => c === '/' && hasPathSegment(value, i)) ||
    (value.length >= 20 && PREFIX_HINT.test(value));
  if (!passes) return 0;
  let flags = 0;
  let digits = 0;
  let tokens = 0;
  const isDigit = (i: number) => /\d/.test(value[i] ?? '');
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    tokens = TOKEN.test(c) ? tokens + 1 : 0;
    if (tokens >= 20) flags |= 128;
    if (isDigit(i)) {
      if (++digits >= 13) flags |= 64;
      continue;
    }
    if (digits > 0 && (c === ' ' || c === '-') && isDigit(i + 1)) continue;
    digits = 0;
    const rest = value.slice(i);
    if (c === '=' || c === ':') flags |= 1;
    if (rest.startsWith('://')) flags |= 2;
    if (c === ':' && /^:[ \t]*(?:$|[\n\r|>&!])/.test(rest)) flags |= 256;
    if (rest.startsWith('eyJ')) flags |= 4;
    if (rest.startsWith('-----BEGIN')) flags |= 8;
    if (/^-[-p]|^<\/|^["']/.test(rest)) flags |= 256;
    if (
      c === '/' &&
      rest.length > 8 &&
      [...rest.slice(1, 9)].every((ch) => isPathCode(ch.charCodeAt(0)))
    )
      flags |= 256;
    if (/^A[KS]IA/.test(rest)) flags |= 16;
    if (/^(?:bearer|basic)/i.test(rest)) flags |= 32;
  }
  return flags;
}

// Pieces that make or nearly make each marker, so generated strings hit the edges.
const PIECES = [
  'a',
  'Z',
  '0',
  '7',
  ' ',
  '-',
  '=',
  ':',
  '/',
  '//',
  '.',
  '_',
  '~',
  '%',
  '+',
  '"',
  "'",
  '<',
  '</',
  '\n',
  '\t',
  '|',
  '>',
  '&',
  '!',
  'eyJ',
  'ey',
  '-----BEGIN',
  '-----',
  'AKIA',
  'ASIA',
  'AKI',
  'Bearer',
  'bAsIc',
  'BEAR',
  'ghp_',
  'SK',
  'AIza',
  '4111',
  '1111 1111',
  '12-34',
  'é',
  'ж',
  '\u200b',
  '\u2010',
  'x'.repeat(19),
  'ab'.repeat(11),
  '0123456789',
];
const texts = fc
  .array(fc.constantFrom(...PIECES), { maxLength: 40 })
  .map((parts) => parts.join(''));

describe('scanForMarkers', () => {
  it('gives the reference answer for short strings (the JS loop)', () => {
    fc.assert(
      fc.property(texts, (text) => {
        expect(scanForMarkers(text)).toBe(referenceMarkers(text));
      }),
      { numRuns: 3000, seed: 15_4 },
    );
  });

  it('gives the reference answer for long strings (one native search per marker)', () => {
    // Over 256 characters: clean filler before, between and after the generated pieces.
    const filler = fc.constantFrom(' '.repeat(300), 'word '.repeat(70), 'x'.repeat(300));
    fc.assert(
      fc.property(texts, filler, texts, (head, middle, tail) => {
        const text = head + middle + tail;
        expect(scanForMarkers(text)).toBe(referenceMarkers(text));
      }),
      { numRuns: 1500, seed: 15_5 },
    );
  });

  it('finds each marker in a 1 MiB string wherever it is', () => {
    const clean = 'lorem ipsum '.repeat(90_000);
    for (const [marker, flag] of [
      ['user=bob', 1],
      ['https://x', 2 | 1],
      ['eyJhbGciOi', 4],
      ['-----BEGIN', 8 | 256],
      ['AKIAIOSFODNN7EXAMPLE', 16 | 128],
      ['Bearer abc', 32],
      ['4111 1111 1111 1111', 64],
      ['"quoted"', 256],
    ] as const) {
      for (const at of [0, clean.length >> 1, clean.length]) {
        const text = clean.slice(0, at) + marker + clean.slice(at);
        expect(scanForMarkers(text) & flag, `${marker} at ${at}`).toBe(flag);
      }
    }
    expect(scanForMarkers(clean)).toBe(0);
  });
});
