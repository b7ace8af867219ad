import { CREDENTIAL_PREFIX_HINT, redactCredentialFormats } from './credential-formats.ts';
import { isCardNumber } from './luhn.ts';
import { SECRET_SYNTAX_HINT, redactSecretSyntaxes } from './secret-syntaxes.ts';
import {
  KEY_NORMAL,
  KEY_SECRETS_OR_COUNT,
  isRedactingDecision,
  normalizeKey,
} from './sensitive-keys.ts';
import type { KeyClassifier } from './sensitive-keys.ts';
import type { BuiltInPatternName } from './types.ts';
import { isUrlCredentialAt } from './url-params.ts';

export interface PatternContext {
  readonly marker: string;
  readonly keys: KeyClassifier;
}

/** Replaces what it recognises in `value`; returns `value` itself when nothing matched. */
export type ValuePattern = (value: string, context: PatternContext) => string;

// What `scanForMarkers` finds; each pattern runs only when the string has its marker.
export const HAS_SEPARATOR = 1; // `=` or `:`
export const HAS_URL_SCHEME = 2; // `://`
export const HAS_JWT_HEADER = 4; // `eyJ`
export const HAS_PEM_BEGIN = 8; // `-----BEGIN`
export const HAS_AWS_PREFIX = 16; // `AKIA`, `ASIA`
export const HAS_AUTH_SCHEME = 32; // `bearer`, `basic`, any case
export const HAS_DIGIT_RUN = 64; // 13 digits, single spaces or dashes allowed between them
export const HAS_SECRET_SYNTAX = 256; // `</`, a quote, `--`, `-p`, a path: see secret-syntaxes.ts
export const HAS_TOKEN_RUN = 128; // 20 characters of a token (`A-Za-z0-9_.~+/%-`) in a row

function isDigitCode(code: number): boolean {
  return code >= 0x30 && code <= 0x39;
}

function startsWithIgnoringCase(value: string, index: number, lowercase: string): boolean {
  if (index + lowercase.length > value.length) return false;
  for (let j = 0; j < lowercase.length; j++) {
    if ((value.charCodeAt(index + j) | 0x20) !== lowercase.charCodeAt(j)) return false;
  }
  return true;
}

// A superset of the markers below in three native scans, which most log strings fail.
// Shapes chosen for V8: no `i` flag, short alternatives, digits apart (one alternation of all
// of them, the credential hint included, measured 3–5× slower on 1 KiB of prose: a letter or
// digit that starts an alternative defeats the engine's skip-ahead).
const ANY_TEXT_MARKER = /[=:]|eyJ|-----|[Bb][EeAa][AaSs][RrIi]|A[KS]IA/;
// The same with the secret-syntax hint (`</`, quotes, `--`, `-p`, `/` + 8 path characters):
// measured as fast as the text expression alone, so a clean string still pays one text scan.
const ANY_TEXT_OR_SYNTAX_MARKER = new RegExp(
  `${ANY_TEXT_MARKER.source}|${SECRET_SYNTAX_HINT.source}`,
);
const ANY_DIGIT_MARKER = /\d\d\d\d[ -]?\d\d/;
// No credential format is shorter than this; shorter strings (most log strings: ids, levels,
// routes) skip the credential scan. That scan (`CREDENTIAL_PREFIX_HINT`, owned by
// credential-formats.ts) is a third expression rather than more alternatives above, which
// made every string's scan several times slower; context-anchored credentials need `=` or
// `:`, which the text scan already finds.
const MIN_CREDENTIAL_LENGTH = 20;

// Up to this length a string that passed the pre-scan has its markers collected by one JS
// loop (cheaper than nine regex calls); a longer one by one native search per kind of marker,
// so no character of a long string is looked at by JS (a 10 MiB Error text cost 40–120 ms in
// the loop; reliability S7).
const LOOP_MAX_LENGTH = 256;

/**
 * The markers of everything a built-in pattern redacts that `value` contains: 0 for most log
 * strings, which then skip the patterns entirely; the others run only the patterns whose
 * markers they have.
 */
export function scanForMarkers(value: string): number {
  if (
    !ANY_TEXT_OR_SYNTAX_MARKER.test(value) &&
    !ANY_DIGIT_MARKER.test(value) &&
    !(value.length >= MIN_CREDENTIAL_LENGTH && CREDENTIAL_PREFIX_HINT.test(value))
  )
    return 0;
  return value.length <= LOOP_MAX_LENGTH ? collectMarkers(value) : searchMarkers(value);
}

// The token characters of TOKEN_CHARACTER below, for the native searches.
const TOKEN_CLASS = '[A-Za-z0-9_.~+/%-]';

// What collectMarkers finds, one expression per marker (the property test in
// test/marker-scan.test.ts holds the two to the same answer).
const MARKER_SEARCHES: readonly (readonly [flag: number, search: RegExp])[] = [
  [HAS_SEPARATOR, /[=:]/],
  [HAS_URL_SCHEME, /:\/\//],
  [HAS_JWT_HEADER, /eyJ/],
  [HAS_PEM_BEGIN, /-----BEGIN/],
  [HAS_AWS_PREFIX, /A[KS]IA/],
  [HAS_AUTH_SCHEME, /[Bb][Ee][Aa][Rr][Ee][Rr]|[Bb][Aa][Ss][Ii][Cc]/],
  // 13 digits, one space or dash allowed between two of them, written out (see above).
  [HAS_DIGIT_RUN, new RegExp(`\\d${'[ -]?\\d'.repeat(12)}`)],
  // Tried only where a run starts, so a long token is not re-read from each of its characters.
  [HAS_TOKEN_RUN, new RegExp(`(?<!${TOKEN_CLASS})${TOKEN_CLASS.repeat(MIN_CREDENTIAL_LENGTH)}`)],
  [HAS_SECRET_SYNTAX, SECRET_SYNTAX_HINT],
];

function searchMarkers(value: string): number {
  let flags = 0;
  for (const [flag, search] of MARKER_SEARCHES) if (search.test(value)) flags |= flag;
  return flags;
}

// Characters a credential is made of, `%` included for percent-encoded base64 (`sig=`).
const TOKEN_CHARACTER = new Uint8Array(128);
for (const character of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.~+/%-')
  TOKEN_CHARACTER[character.charCodeAt(0)] = 1;

function collectMarkers(value: string): number {
  let flags = 0;
  let run = 0;
  let tokenRun = 0;
  const length = value.length;
  for (let i = 0; i < length; i++) {
    const code = value.charCodeAt(i);
    if (code < 128 && TOKEN_CHARACTER[code] === 1) {
      if (++tokenRun >= MIN_CREDENTIAL_LENGTH) flags |= HAS_TOKEN_RUN;
    } else {
      tokenRun = 0;
    }
    if (isDigitCode(code)) {
      if (++run >= 13) flags |= HAS_DIGIT_RUN;
      continue;
    }
    if (run > 0 && (code === 0x20 || code === 0x2d) && isDigitCode(value.charCodeAt(i + 1)))
      continue;
    run = 0;
    switch (code) {
      case 0x3d: // =
        flags |= HAS_SEPARATOR;
        break;
      case 0x3a: // :
        flags |= HAS_SEPARATOR;
        if (value.charCodeAt(i + 1) === 0x2f && value.charCodeAt(i + 2) === 0x2f)
          flags |= HAS_URL_SCHEME;
        if (isYamlValueStart(value, i + 1)) flags |= HAS_SECRET_SYNTAX;
        break;
      case 0x65: // e
        if (value.charCodeAt(i + 1) === 0x79 && value.charCodeAt(i + 2) === 0x4a)
          flags |= HAS_JWT_HEADER;
        break;
      case 0x2d: {
        // -
        if (value.startsWith('-----BEGIN', i)) flags |= HAS_PEM_BEGIN;
        const next = value.charCodeAt(i + 1);
        if (next === 0x2d || next === 0x70) flags |= HAS_SECRET_SYNTAX; // `--`, `-p`
        break;
      }
      // The rest of SECRET_SYNTAX_HINT, in this loop rather than one more regex call.
      case 0x22: // "
      case 0x27: // '
        flags |= HAS_SECRET_SYNTAX;
        break;
      case 0x3c: // <
        if (value.charCodeAt(i + 1) === 0x2f) flags |= HAS_SECRET_SYNTAX;
        break;
      case 0x2f: // /
        if (hasPathSegmentAfter(value, i)) flags |= HAS_SECRET_SYNTAX;
        break;
      case 0x41: {
        // A
        const second = value.charCodeAt(i + 1);
        if (
          (second === 0x4b || second === 0x53) &&
          value.charCodeAt(i + 2) === 0x49 &&
          value.charCodeAt(i + 3) === 0x41
        ) {
          flags |= HAS_AWS_PREFIX;
        }
        break;
      }
      case 0x42: // B
      case 0x62: // b
        if (startsWithIgnoringCase(value, i, 'bearer') || startsWithIgnoringCase(value, i, 'basic'))
          flags |= HAS_AUTH_SCHEME;
        break;
    }
  }
  return flags;
}

/** YAML whose value `secretSyntaxes` reads: a line end, a block (`|`, `>`), `&anchor`, `!tag`. */
function isYamlValueStart(value: string, from: number): boolean {
  let i = from;
  while (value.charCodeAt(i) === 0x20 || value.charCodeAt(i) === 0x09) i++;
  if (i >= value.length) return i > from || from === value.length;
  const code = value.charCodeAt(i);
  return (
    code === 0x0a ||
    code === 0x0d ||
    code === 0x7c ||
    code === 0x3e ||
    code === 0x26 ||
    code === 0x21
  );
}

/** Whether 8 characters of a path segment (`[\w.~%+-]`) follow the `/` at `slash`. */
function hasPathSegmentAfter(value: string, slash: number): boolean {
  if (slash + 8 >= value.length) return false;
  for (let j = slash + 1; j <= slash + 8; j++) {
    const code = value.charCodeAt(j);
    if (!(isWordCode(code) || code === 0x2e || code === 0x7e || code === 0x2b || code === 0x2d))
      return false;
  }
  return true;
}

/** Whether `value` has 13 digits in a row, allowing one space or dash between two digits. */
export function hasLongDigitRun(value: string): boolean {
  return (scanForMarkers(value) & HAS_DIGIT_RUN) !== 0;
}

const PRIVATE_KEY =
  /-----BEGIN ((?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?)-----[\s\S]*?(?:-----END \1-----|$)/g;

// A block without its END line (a truncated log) is redacted to the end of the string.
const redactPrivateKeys: ValuePattern = (value, { marker }) =>
  value.replace(
    PRIVATE_KEY,
    (_match, label: string) => `-----BEGIN ${label}-----${marker}-----END ${label}-----`,
  );

// Header segment of at least 10 characters, then payload and signature (JWE: five segments).
// No boundary before it: a token glued to other text is still a token.
const JWT = /eyJ[\w-]{7,}\.[\w-]{2,}\.[\w-]*(?:\.[\w-]*\.[\w-]*)?/g;

const redactJwts: ValuePattern = (value, { marker }) => value.replace(JWT, () => marker);

const AUTHORIZATION = /\b(bearer|basic)([ \t]+)([A-Za-z0-9._~+/-]+=*)/gi;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const TRAILING_PADDING = /=+$/;
const DIGIT = /\d/;

// "Bearer authentication failed" must survive: a bearer token has a digit or is long.
function isBearerToken(credential: string): boolean {
  return credential.length >= 8 && (credential.length >= 24 || DIGIT.test(credential));
}

// Basic credentials are base64 of `user:password`; prose ("Basic auth") does not decode to that.
function isBasicCredential(credential: string): boolean {
  if (credential.length < 4 || !BASE64.test(credential)) return false;
  // `atob` (in Node and in pages; Buffer is Node-only) decodes as Buffer does once the
  // padding, and a last character too few bits for a byte, are dropped (atob rejects them).
  const body = credential.replace(TRAILING_PADDING, '');
  const decoded = atob(body.length % 4 === 1 ? body.slice(0, -1) : body);
  if (!decoded.includes(':')) return false;
  for (let i = 0; i < decoded.length; i++) if (decoded.charCodeAt(i) < 0x20) return false;
  return true;
}

const redactAuthorizationCredentials: ValuePattern = (value, { marker }) =>
  value.replace(AUTHORIZATION, (match, scheme: string, space: string, credential: string) => {
    const bearer = scheme.length === 6;
    const secret = bearer ? isBearerToken(credential) : isBasicCredential(credential);
    return secret ? `${scheme}${space}${marker}` : match;
  });

// Greedy userinfo: an unencoded `@` in the password extends it to the last `@` of the authority.
// Sticky: tried at one place (see redactUrlCredentials).
const URL_USERINFO = /\b([a-z][a-z0-9+.-]{0,30}:\/\/)([^\s/?#"'<>]*)@/iy;
// URL_USERINFO's userinfo part on its own: it starts right after the `://` whatever the start
// of the scheme, so when this fails there no start before that `://` can match.
const USERINFO_AT = /[^\s/?#"'<>]*@/y;
const LETTER = /[A-Za-z]/;

function looksLikeToken(userinfo: string): boolean {
  return userinfo.length >= 16 && DIGIT.test(userinfo) && LETTER.test(userinfo);
}

// URL_USERINFO's scheme cannot hold a `:`, so a match's scheme ends at the first `://` after
// its start, at most 31 characters on: each `://` (one native search) has the only starts
// there are, tried from the left as a search from the left tries them. Run over the whole
// text, the expression tried every letter after a word boundary (the largest single cost on a
// MiB of random text: 12-18 ms).

const redactUrlCredentials: ValuePattern = (value, { marker }) => {
  let out = '';
  let copied = 0;
  // Where the next match may start: `replace` goes on after a match.
  let resume = 0;
  for (let colon = value.indexOf('://'); colon >= 0; colon = value.indexOf('://', colon + 1)) {
    // `file:///` in every stack frame: one look instead of 31 tries.
    USERINFO_AT.lastIndex = colon + 3;
    if (!USERINFO_AT.test(value)) continue;
    for (let start = Math.max(resume, colon - 31); start < colon; start++) {
      URL_USERINFO.lastIndex = start;
      const match = URL_USERINFO.exec(value);
      if (match === null) continue;
      const [found, scheme, userinfo] = match;
      resume = start + found.length;
      const colonAt = userinfo.indexOf(':');
      const password = userinfo.slice(colonAt + 1);
      // `https://<token>@github.com`: a user name that looks like a token is one.
      const replacement =
        colonAt >= 0
          ? password.length === 0 || password === marker
            ? found
            : `${scheme}${userinfo.slice(0, colonAt)}:${marker}@`
          : looksLikeToken(userinfo)
            ? `${scheme}${marker}@`
            : found;
      if (replacement !== found) {
        out += value.slice(copied, start) + replacement;
        copied = resume;
      }
      break;
    }
  }
  return copied === 0 ? value : out + value.slice(copied);
};

// `name=value`, `name: value`, `"name":"value"`, `\"name\":\"value\"` (JSON inside a JSON
// string), `user[password]=value`, query parameters. The scan is driven by the separators:
// for each `=` or `:` the name before it is read backwards, and only a sensitive name makes
// the value after it be read, so a non-sensitive name never swallows the text after it.
const MAX_NAME_LENGTH = 80;

// Letters beyond ASCII and invisible characters count as part of a name, so a name spelt with
// look-alikes (`tοken=`, Greek ο) or a zero-width space reaches the key rules, which fold them.
// Not spaces, punctuation (U+2010–U+205F, CJK) or a fullwidth `:`/`=`.
function isNonAsciiNameCode(code: number): boolean {
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

function isNameCode(code: number): boolean {
  return (
    (code >= 0x61 && code <= 0x7a) || // a-z
    (code >= 0x41 && code <= 0x5a) || // A-Z
    (code >= 0x30 && code <= 0x39) || // 0-9
    code === 0x5f || // _
    code === 0x2e || // .
    code === 0x2d || // -
    code === 0x25 || // %
    code === 0x5b || // [
    code === 0x5d || // ]
    isNonAsciiNameCode(code)
  );
}

function isWordCode(code: number): boolean {
  return (
    (code >= 0x61 && code <= 0x7a) ||
    (code >= 0x41 && code <= 0x5a) ||
    (code >= 0x30 && code <= 0x39) ||
    code === 0x5f ||
    code === 0x25 ||
    isNonAsciiNameCode(code)
  );
}

function isNameStart(code: number): boolean {
  return (
    (code >= 0x61 && code <= 0x7a) ||
    (code >= 0x41 && code <= 0x5a) ||
    code === 0x5f ||
    isNonAsciiNameCode(code)
  );
}

/** The name written just before the separator at `separator`, or undefined. */
function nameBefore(value: string, separator: number): string | undefined {
  let end = separator;
  while (end > 0 && (value.charCodeAt(end - 1) === 0x20 || value.charCodeAt(end - 1) === 0x09))
    end--;
  // A closing quote, possibly escaped (`\"name\":`), must be matched by the same opening one.
  let quote = 0;
  let escaped = false;
  const last = value.charCodeAt(end - 1);
  if (last === 0x22 || last === 0x27) {
    quote = last;
    end--;
    if (value.charCodeAt(end - 1) === 0x5c) {
      escaped = true;
      end--;
    }
  }
  let runStart = end;
  while (
    runStart > 0 &&
    end - runStart < MAX_NAME_LENGTH &&
    isNameCode(value.charCodeAt(runStart - 1))
  )
    runStart--;
  // The name starts at the first letter of the run not glued to a word character before it.
  let start = -1;
  for (let p = runStart; p < end; p++) {
    if (
      isNameStart(value.charCodeAt(p)) &&
      (p === runStart || !isWordCode(value.charCodeAt(p - 1)))
    ) {
      start = p;
      break;
    }
  }
  if (start < 0) return undefined;
  let before = start;
  if (quote !== 0) {
    if (start !== runStart || value.charCodeAt(start - 1) !== quote) return undefined;
    before = start - 1;
    if (escaped) {
      if (value.charCodeAt(before - 1) !== 0x5c) return undefined;
      before--;
    }
  }
  if (before > 0 && isWordCode(value.charCodeAt(before - 1))) return undefined;
  return value.slice(start, end);
}

const AUTH_SCHEME = /^(?:bearer|basic|digest|negotiate|ntlm|token)[ \t]+/i;
// Header values that run to the end of the line: credentials with spaces, cookie lists.
const LINE_VALUE_KEYS: ReadonlySet<string> = new Set([
  'authorization',
  'proxyauthorization',
  'cookie',
  'cookies',
  'setcookie',
]);
const COOKIE_OR_AUTHORIZATION = /[Cc][Oo][Oo][Kk][Ii][Ee]|[Aa][Uu][Tt][Hh][Oo][Rr]/;

function isLineValueKey(key: string): boolean {
  return COOKIE_OR_AUTHORIZATION.test(key) && LINE_VALUE_KEYS.has(normalizeKey(key));
}

const ALL_DIGITS = /^\d+$/;
const HARMLESS_VALUES: ReadonlySet<string> = new Set(['null', 'true', 'false', 'undefined']);

function isBareTerminator(code: number): boolean {
  return (
    code <= 0x20 || // whitespace and control characters
    code === 0x22 || // "
    code === 0x26 || // &
    code === 0x27 || // '
    code === 0x29 || // )
    code === 0x2c || // ,
    code === 0x3b || // ;
    code === 0x3c || // <
    code === 0x3e || // >
    code === 0x5c || // \
    code === 0x5d || // ]
    code === 0x7d // }
  );
}

// Also at an escaped line break (`\n` in JSON text). Not at quotes: `Digest username="bob",
// response="…"` is one credential.
function endOfLine(value: string, from: number): number {
  for (let i = from; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code === 0x0a || code === 0x0d) return i;
    if (code === 0x5c) {
      const next = value.charCodeAt(i + 1);
      if (next === 0x6e || next === 0x72) return i; // \n, \r
    }
  }
  return value.length;
}

function endOfBare(value: string, from: number): number {
  let i = from;
  while (i < value.length && !isBareTerminator(value.charCodeAt(i))) i++;
  return i;
}

function closingQuote(value: string, from: number, quote: number): number {
  for (let i = from; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code === 0x5c) i++;
    else if (code === quote) return i;
  }
  return -1;
}

// How far a bracketed value is followed to its closing bracket.
const MAX_BRACKETED_VALUE = 4096;

/**
 * The index of the bracket closing the `[` or `{` at `from` (nesting and quoted strings
 * followed), or -1 when it does not close within MAX_BRACKETED_VALUE characters.
 */
function closingBracket(value: string, from: number): number {
  const limit = Math.min(value.length, from + MAX_BRACKETED_VALUE);
  let depth = 0;
  for (let i = from; i < limit; i++) {
    const code = value.charCodeAt(i);
    // An escaped character (`\"` in JSON text inside a JSON string) is neither quote nor bracket.
    if (code === 0x5c) i++;
    else if (code === 0x5b || code === 0x7b) depth++;
    else if (code === 0x5d || code === 0x7d) {
      if (--depth === 0) return i;
    } else if (code === 0x22 || code === 0x27) {
      const close = closingQuote(value, i + 1, code);
      if (close < 0) return -1;
      i = close;
    }
  }
  return -1;
}

/** `[start, end)` of the value starting at `from`, or undefined when there is none to redact. */
function valueSpan(value: string, from: number, lineValue: boolean): [number, number] | undefined {
  const first = value.charCodeAt(from);
  let start = from;
  let end: number;
  if (first === 0x5b || first === 0x7b) {
    // A JSON array or object (`"password":["…"]`), or what inspect prints in its place
    // (`password: [Getter]`): the whole of it. Unclosed (text cut short): the rest of the line.
    const close = closingBracket(value, from);
    end = close >= 0 ? close + 1 : endOfLine(value, from);
  } else if (first === 0x22 || first === 0x27) {
    start = from + 1;
    end = closingQuote(value, start, first);
    if (end < 0) end = lineValue ? endOfLine(value, start) : endOfBare(value, start);
  } else if (first === 0x5c && value.charCodeAt(from + 1) === 0x22) {
    start = from + 2;
    end = value.indexOf('\\"', start);
    if (end < 0) end = endOfBare(value, start);
  } else {
    end = lineValue ? endOfLine(value, start) : endOfBare(value, start);
  }
  return end > start ? [start, end] : undefined;
}

// A native search: text of a MiB with one `=` near its start is skipped at regex speed.
const SEPARATOR = /[=:]/g;

function nextSeparator(value: string, from: number): number {
  SEPARATOR.lastIndex = from;
  return SEPARATOR.exec(value)?.index ?? -1;
}

const redactSensitiveParameters: ValuePattern = (value, { marker, keys }) => {
  let out = '';
  let copied = 0;
  let separator = nextSeparator(value, 0);
  while (separator >= 0) {
    let next = separator + 1;
    const key = nameBefore(value, separator);
    const decision = key === undefined ? undefined : keys.classify(key);
    if (
      key !== undefined &&
      decision !== undefined &&
      (isRedactingDecision(decision) ||
        // `?code=` in a URL; a key the application allowed stays.
        (decision === KEY_NORMAL && isUrlCredentialAt(value, separator, key)))
    ) {
      let valueStart = separator + 1;
      while (value.charCodeAt(valueStart) === 0x20 || value.charCodeAt(valueStart) === 0x09)
        valueStart++;
      const span = valueSpan(value, valueStart, isLineValueKey(key));
      if (span !== undefined) {
        const end = span[1];
        let start = span[0];
        const scheme = AUTH_SCHEME.exec(value.slice(start, Math.min(end, start + 16)));
        if (scheme !== null) start += scheme[0].length;
        if (
          start < end &&
          !value.startsWith(marker, start) &&
          !HARMLESS_VALUES.has(value.slice(start, end)) &&
          // `tokens: 1500` is a count (see KEY_SECRETS_OR_COUNT).
          !(decision === KEY_SECRETS_OR_COUNT && ALL_DIGITS.test(value.slice(start, end)))
        ) {
          out += value.slice(copied, start) + marker;
          copied = end;
        }
        next = Math.max(next, end);
      }
    }
    separator = nextSeparator(value, next);
  }
  return copied === 0 ? value : out + value.slice(copied);
};

const AWS_ACCESS_KEY_ID = /(?<![A-Z0-9])(?:AKIA|ASIA)[A-Z0-9]{16}(?![A-Z0-9])/g;

const redactAwsAccessKeyIds: ValuePattern = (value, { marker }) =>
  value.replace(AWS_ACCESS_KEY_ID, () => marker);

// Contiguous, or grouped 4-4-4-(1–4)[-(1–3)] and 4-6-(4–5) (Amex, Diners) with one kind of
// separator. A decimal point or a letter next to the digits means something else, and so
// does a `%` before them: `%223528…` is a quote escape followed by digits (the decoded text,
// scanned too, sees the number on its own).
const CARD_NUMBER =
  /(?<![A-Za-z0-9.%])(?:\d{13,19}|\d{4}([ -])\d{4}\1\d{4}\1\d{1,4}(?:\1\d{1,3})?|\d{4}([ -])\d{6}\2\d{4,5})(?![A-Za-z0-9]|\.\d)/g;
const CARD_SEPARATORS = /[ -]/g;

const redactCardNumbers: ValuePattern = (value, { marker }) =>
  value.replace(CARD_NUMBER, (match, sep1: string | undefined, sep2: string | undefined) => {
    if (isCardNumber(match.replace(CARD_SEPARATORS, ''))) return marker;
    // `4111 1111 1111 1111 12/27`: the trailing group belongs to what follows the card.
    const separator = sep1 ?? sep2;
    if (separator === undefined) return match;
    const cut = match.lastIndexOf(separator);
    const head = match.slice(0, cut);
    return isCardNumber(head.replace(CARD_SEPARATORS, '')) ? marker + match.slice(cut) : match;
  });

const redactCredentials: ValuePattern = (value, { marker }) =>
  redactCredentialFormats(value, marker);

export interface BuiltInPattern {
  readonly redact: ValuePattern;
  /** The `scanForMarkers` flag without which the pattern cannot match. */
  readonly marker: number;
}

/** The built-in patterns in the order they run. */
export const BUILT_IN_PATTERNS: ReadonlyMap<BuiltInPatternName, BuiltInPattern> = new Map([
  ['privateKey', { redact: redactPrivateKeys, marker: HAS_PEM_BEGIN }],
  ['jwt', { redact: redactJwts, marker: HAS_JWT_HEADER }],
  ['credentialFormats', { redact: redactCredentials, marker: HAS_TOKEN_RUN }],
  ['authorizationCredentials', { redact: redactAuthorizationCredentials, marker: HAS_AUTH_SCHEME }],
  ['urlCredentials', { redact: redactUrlCredentials, marker: HAS_URL_SCHEME }],
  // Before sensitiveParameters, which would replace a YAML block indicator or tag it reads.
  ['secretSyntaxes', { redact: redactSecretSyntaxes, marker: HAS_SECRET_SYNTAX }],
  ['sensitiveParameters', { redact: redactSensitiveParameters, marker: HAS_SEPARATOR }],
  ['awsAccessKeyId', { redact: redactAwsAccessKeyIds, marker: HAS_AWS_PREFIX }],
  ['cardNumber', { redact: redactCardNumbers, marker: HAS_DIGIT_RUN }],
]);

/** Keeps the scheme of an Authorization-style value: `Bearer [REDACTED]`. */
export function maskCredential(value: string, marker: string): string {
  const scheme = AUTH_SCHEME.exec(value.length > 16 ? value.slice(0, 16) : value);
  return scheme !== null && scheme[0].length < value.length ? scheme[0] + marker : marker;
}
