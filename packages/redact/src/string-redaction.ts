// Redaction inside one string: the value patterns (after the pre-scan), repeated until the
// text is stable, and the percent-decoded forms of encoded text.
import { detachedString } from './detached-string.ts';
import type { KeyClassifier } from './sensitive-keys.ts';
import type { BuiltInPatternName } from './types.ts';
import { BUILT_IN_PATTERNS, scanForMarkers } from './value-patterns.ts';
import type { BuiltInPattern, PatternContext } from './value-patterns.ts';

/** The shortest string a built-in pattern can change is `pin=1`. */
export const MIN_BUILT_IN_LENGTH = 5;
const MAX_PASSES = 4;

/** Characters the built-in patterns treat as part of a neighbouring word or number. */
function isGlueCode(code: number): boolean {
  return (
    (code >= 0x61 && code <= 0x7a) ||
    (code >= 0x41 && code <= 0x5a) ||
    (code >= 0x30 && code <= 0x39) ||
    code === 0x5f || // _
    code === 0x2d || // -
    code === 0x2e || // .
    code === 0x25 // %
  );
}

// Text encoded more than once (`password%253D…` is `password%3D…` is `password=…`): runs of
// `%25` collapse in one step, and other escapes that decoding uncovers (`%2B` → `+` → ` `) are
// decoded up to this many times; each level is scanned.
const MAX_DECODES = 3;

// A percent escape, or a `+` between two word characters (a space in a query string).
const ENCODED_TEXT = /%[0-9A-Fa-f]{2}|\w\+\w/;

// `%25` is an encoded `%`: `%25253D` is `=` encoded three times. Collapsing the `%25` runs
// first decodes any depth of encoding in one linear pass.
const MULTI_ENCODED = /%(?:25)+(?=[0-9A-Fa-f]{2})/g;

function collapseEncodedPercent(value: string): string {
  return value.indexOf('%25') === -1 ? value : value.replace(MULTI_ENCODED, '%');
}

/** Decodes percent escapes (and `+` as a space) where valid, leaving malformed ones as they are. */
function percentDecode(value: string): string {
  const spaced = value.replace(/\+/g, ' ');
  try {
    return decodeURIComponent(spaced);
  } catch {
    // A stray `%` or a lone surrogate escape: decode the well-formed escapes one by one.
    return spaced.replace(/(?:%[0-9A-Fa-f]{2})+/g, (run) => {
      try {
        return decodeURIComponent(run);
      } catch {
        return run;
      }
    });
  }
}

export interface StringRedactionOptions {
  readonly marker: string;
  readonly keys: KeyClassifier;
  readonly disabledPatterns: ReadonlySet<BuiltInPatternName>;
  readonly extraPatterns: readonly RegExp[];
}

// Short strings found clean are remembered (a log repeats its levels, messages, enum values
// and ids in the entry, its splat and the OTLP record): the answer for a string depends only on
// its text and the redactor's options, so a remembered one is returned without a scan. Only
// clean strings are kept (never a secret), each at most this long, and the set is emptied
// when full (a cheap bound; a stream of unique ids just refills it).
const CLEAN_CACHE_MAX_LENGTH = 64;
const CLEAN_CACHE_ENTRIES = 2048;
// The last few longer clean strings (up to 16 Ki characters) are remembered too, in a ring of
// their own: an exception stack is walked in winston's entry and again in its record, and a
// cause chain or a retry loop repeats it right away (in reliability S7 82 % of the characters
// of strings over 64 were repeats). A ring, not a set: a service logging distinct 1 KiB
// messages kept 512 of them alive in a set, and V8 grew its young generation by 32 MiB under
// that survival (reliability S4). A lookup compares a print of each text first (below), so a
// miss is cheap.
const LONG_CLEAN_MAX_LENGTH = 16 * 1024;
const LONG_CLEAN_RING = 16;

/**
 * The length of `text` and a dozen of its characters (its first four, its last, and seven
 * spread between), mixed into a number. Texts with different prints differ; only equal prints
 * are compared as texts. Comparing two texts of one length otherwise walks both through V8's
 * string comparator, which for the cons and sliced strings that logging builds cost ~40 ns a
 * pair: 16 of them were most of the price of a first look at a 1 KiB text.
 */
function textPrint(text: string): number {
  const n = text.length;
  let print = (Math.imul(n, 31) + text.charCodeAt(1)) | 0;
  print = (Math.imul(print, 31) + text.charCodeAt(2)) | 0;
  print = (Math.imul(print, 31) + text.charCodeAt(3)) | 0;
  print = (Math.imul(print, 31) + text.charCodeAt(n - 1)) | 0;
  for (let i = 0; i < 8; i++) print = (Math.imul(print, 31) + text.charCodeAt((i * n) >>> 3)) | 0;
  return print;
}

/**
 * Strings longer than this (1 MiB) plus a margin are cut when redacted: a 10 MiB string costs
 * tens of milliseconds to scan and to run patterns over, and no console line, file line or log
 * backend wants it whole (Loki's default line limit is 256 KiB; `@threadline/winston`'s OTLP
 * transport keeps 64 Ki characters).
 */
export const MAX_REDACTED_STRING = 1024 * 1024;
// A string is sliced to MAX_REDACTED_STRING + CUT_MARGIN before it is scanned, so a secret that
// starts before the cut and ends inside the margin is redacted, not left cut in half; the
// redacted text is then cut at MAX_REDACTED_STRING. Only strings longer than both are cut, so a
// cut string (MAX_REDACTED_STRING and a short note) is left as it is when redacted again.
const CUT_MARGIN = 16 * 1024;

/** The first MAX_REDACTED_STRING characters of `redacted`, and a note of what was left out. */
function cutRedacted(redacted: string, originalLength: number): string {
  let end = Math.min(MAX_REDACTED_STRING, redacted.length);
  const code = redacted.charCodeAt(end - 1);
  // Never half a surrogate pair.
  if (code >= 0xd800 && code <= 0xdbff) end--;
  return `${redacted.slice(0, end)}…[${originalLength - end} more characters cut]`;
}

/** Returns the function that replaces every secret the value patterns find in a string. */
export function createStringRedaction(options: StringRedactionOptions): (value: string) => string {
  const { marker, keys, extraPatterns } = options;
  const patternContext: PatternContext = { marker, keys };
  const patterns: BuiltInPattern[] = [];
  for (const [name, pattern] of BUILT_IN_PATTERNS) {
    if (!options.disabledPatterns.has(name)) patterns.push(pattern);
  }
  // The glue test below reasons about built-in patterns and a marker with non-word edges;
  // otherwise every changed string is rescanned.
  const alwaysRescan =
    extraPatterns.length > 0 ||
    isGlueCode(marker.charCodeAt(0)) ||
    isGlueCode(marker.charCodeAt(marker.length - 1));
  const replaceWithMarker = (): string => marker;

  function applyPatterns(value: string): string {
    let out = value;
    if (value.length >= MIN_BUILT_IN_LENGTH && patterns.length > 0) {
      const markers = scanForMarkers(value);
      if (markers !== 0) {
        // A pattern skipped because its marker only appeared after an earlier replacement
        // runs in the next pass (see redactString).
        for (const pattern of patterns)
          if ((markers & pattern.marker) !== 0) out = pattern.redact(out, patternContext);
      }
    }
    for (const pattern of extraPatterns) out = out.replace(pattern, replaceWithMarker);
    return out;
  }

  // A replacement can uncover a match that the text around it hid: patterns look at the
  // character before or after a candidate, and `[REDACTED]` glued to a word changes that
  // character (`AKIA…EXAMPLEeyJ…` becomes `[REDACTED]eyJ…`). Such a string is scanned again
  // until it is stable, so redacting redacted text changes nothing. Clean strings take one
  // pass, and so do strings whose replacements touch no word character.
  function redactString(value: string): string {
    const out = redactPlainString(value);
    // Text typed into a URL arrives percent- (or plus-) encoded: `card%204111%201111…`, and a
    // URL inside a URL parameter twice (`next=%2Fcb%253Fpassword%253D…`). When the string
    // carries such escapes, its decoded forms are scanned too, up to MAX_DECODES levels; if one
    // finds a secret, the decoded, redacted text is returned (not re-encoded: it is for
    // reading), decoded as far as the last level that had a secret.
    let result = out;
    let current = out;
    for (let level = 0; level < MAX_DECODES && mayBeEncoded(current); level++) {
      const decoded = percentDecode(collapseEncodedPercent(current));
      if (decoded === current) break;
      current = redactPlainString(decoded);
      if (current !== decoded) result = current;
    }
    return result;
  }

  // indexOf first: a plain scan for two characters is much cheaper than the regex on long text.
  function mayBeEncoded(text: string): boolean {
    return (text.indexOf('%') !== -1 || text.indexOf('+') !== -1) && ENCODED_TEXT.test(text);
  }

  function redactPlainString(value: string): string {
    let out = applyPatterns(value);
    for (let pass = 1; pass < MAX_PASSES && out !== value && mayHideMatches(out); pass++) {
      value = out;
      out = applyPatterns(value);
    }
    return out;
  }

  function mayHideMatches(text: string): boolean {
    if (alwaysRescan) return true;
    for (let at = text.indexOf(marker); at >= 0; at = text.indexOf(marker, at + marker.length)) {
      if (isGlueCode(text.charCodeAt(at - 1)) || isGlueCode(text.charCodeAt(at + marker.length)))
        return true;
    }
    return false;
  }

  // Extra patterns are global and never sticky (resolve-options.ts), so `replace` answers the
  // same for the same text whatever their lastIndex was.
  const clean = new Set<string>();
  const longClean: string[] = [];
  const longCleanPrints = new Int32Array(LONG_CLEAN_RING);
  let longCleanNext = 0;
  const shortIsClean = extraPatterns.length === 0;
  return function redactStringRemembered(value: string): string {
    // No built-in pattern changes fewer than MIN_BUILT_IN_LENGTH characters, and decoding only
    // shortens text: levels, short codes and enum values need neither a scan nor a lookup.
    if (value.length < MIN_BUILT_IN_LENGTH && shortIsClean) return value;
    if (value.length > CLEAN_CACHE_MAX_LENGTH) {
      if (value.length <= LONG_CLEAN_MAX_LENGTH) {
        const print = textPrint(value);
        for (let k = 0; k < longClean.length; k++)
          if (longCleanPrints[k] === print && longClean[k] === value) return value;
        const out = redactString(value);
        if (out === value) {
          longClean[longCleanNext] = detachedString(value);
          longCleanPrints[longCleanNext] = print;
          longCleanNext = (longCleanNext + 1) % LONG_CLEAN_RING;
        }
        return out;
      }
      if (value.length <= MAX_REDACTED_STRING + CUT_MARGIN) return redactString(value);
      return cutRedacted(
        redactString(value.slice(0, MAX_REDACTED_STRING + CUT_MARGIN)),
        value.length,
      );
    }
    if (clean.has(value)) return value;
    const out = redactString(value);
    if (out === value) {
      if (clean.size >= CLEAN_CACHE_ENTRIES) clean.clear();
      clean.add(detachedString(value));
    }
    return out;
  };
}
