// Which keys hold secrets. Browser-safe: no Node APIs (the browser package and the
// `@threadline/redact/rules` entry import this module).
//
// A key is first normalised (percent-decoded, NFKD with marks and invisible format characters
// removed, Cyrillic/Greek look-alikes folded to Latin), then split into words (camelCase,
// snake_case, kebab-case, dots, brackets, spaces), then decided by the rules below on the
// lowercased words joined together (`X-Api-Key`, `api_key`, `apiKey`, `user[api_key]` and
// `аpi_kеy` with Cyrillic letters all become `apikey`), with the word boundaries kept so that
// `secretary` is not `secret` and `password_reset_requested` is not a password.

import { detachedString } from './detached-string.ts';

/** Keys redacted when the whole normalised key (or its last dotted segment) is one of these. */
export const SENSITIVE_KEYS: readonly string[] = [
  // passwords and generic secrets
  'password',
  'passwd',
  'pwd',
  'pw',
  'pass',
  'passcode',
  'passphrase',
  'secret',
  'credentials',
  'credential',
  // tokens
  'token',
  'accesstoken',
  'refreshtoken',
  'idtoken',
  'authtoken',
  'bearer',
  'jwt',
  'otp',
  'totp',
  'otpcode',
  'mfacode',
  // HTTP authentication and sessions
  'auth',
  'authorization',
  'proxyauthorization',
  'cookie',
  'cookies',
  'setcookie',
  'sessionid',
  'sessid',
  'sid',
  'jsessionid',
  'phpsessid',
  'connectsid',
  'sessiontoken',
  'sessionkey',
  // keys
  'apikey',
  'xapikey',
  'apisecret',
  'accesskey',
  'secretkey',
  'privatekey',
  'clientsecret',
  'signature',
  'sig',
  'xamzsignature',
  // personal identifiers treated as secrets
  'ssn',
  'socialsecuritynumber',
  // payment cards
  'pan',
  'primaryaccountnumber',
  'cardnumber',
  'cardnum',
  'ccnumber',
  'ccnum',
  'creditcard',
  'creditcardnumber',
  'cvv',
  'cvv2',
  'cvc',
  'cvc2',
  'cvn',
  'cardcvc',
  'cardcvv',
  'securitycode',
  'cardsecuritycode',
  'cardverificationvalue',
  'pin',
  'pincode',
  'cardpin',
];

/**
 * Short secret words that also count as the **last word** of a longer key (`db_pwd`,
 * `admin_pw`, `card_pin`, `x_auth`, `customer_ssn`), but never inside a word (`author`,
 * `spinner`, `company`). `pass`, `sid` and `pan` are whole-key only: `boarding_pass`,
 * `account_sid` (Twilio's account id) and `camera_pan` are not secrets.
 */
export const SENSITIVE_LAST_WORDS: readonly string[] = [
  'pw',
  'pwd',
  'pin',
  'otp',
  'totp',
  'ssn',
  'auth',
  'jwt',
  'bearer',
  'authorization',
  'cookie',
  'cookies',
];

// What usually follows a secret word in a key that describes the secret without holding it.
const DESCRIBES = [
  'length',
  'min',
  'max',
  'policy',
  'policies',
  'rule',
  'rules',
  'strength',
  'expiry',
  'expires',
  'expired',
  'expiration',
  'ttl',
  'type',
  'count',
  'counts',
  'less', // passwordless, tokenless
  // what went wrong with it: `tokenError`, `PasswordMismatch` (error names, not secrets)
  'error',
  'errors',
  'exception',
  'invalid',
  'missing',
  'mismatch',
];

/**
 * Markers that make a key sensitive wherever they appear in it (`dbPassword`, `github_token`,
 * `webhooksecret`; a plural `s` included: `tokens`, `refresh_tokens`, `secrets`), unless the
 * next word is one of the marker's benign followers: `tokenCount`, `passwordPolicy`,
 * `password_reset_requested`, `secretName` describe a secret without containing one. A
 * follower also matches a word continuing the marker (`secret` + `ary`, `token` + `izer`).
 */
export const SENSITIVE_KEY_MARKERS: ReadonlyMap<string, readonly string[]> = new Map([
  [
    'password',
    [
      ...DESCRIBES,
      'reset',
      'changed',
      'updated',
      'created',
      'last',
      'age',
      'complexity',
      'history',
      'score',
      'attempts',
      'retries',
      'required',
      'enabled',
      'field',
      'prompt',
      'label',
      'url',
      'page',
      'form',
    ],
  ],
  ['passwd', DESCRIBES],
  ['passcode', [...DESCRIBES, 'reset', 'enabled', 'attempts']],
  ['passphrase', DESCRIBES],
  [
    'secret',
    [
      ...DESCRIBES,
      'ary', // secretary, secretary_name
      'aries',
      'ariat',
      'name',
      'arn',
      'id',
      'ids',
      'ref',
      'version',
      'versionid',
      'path',
      'manager',
    ],
  ],
  [
    'token',
    [
      ...DESCRIBES,
      'used',
      'usage',
      'limit',
      'limits',
      'total',
      'budget',
      'cost',
      'ize', // tokenize, tokenizer, tokenization
      'izer',
      'ized',
      'izes',
      'izing',
      'ization',
      'url',
      'uri',
      'endpoint',
    ],
  ],
  ['credential', [...DESCRIBES, 'id', 'ids', 'name', 'provider']],
  ['sessionid', []],
  ['signature', [...DESCRIBES, 'algorithm', 'alg', 'method', 'version']],
  ['cardnumber', [...DESCRIBES, 'last4', 'last', 'suffix', 'mask', 'masked']],
  ['creditcard', [...DESCRIBES, 'brand', 'last4', 'last', 'exp', 'expmonth', 'expyear']],
  ['cvv', []],
  ['cvc', ['check']], // Stripe's `cvc_check: 'pass'`
]);

/**
 * Words that, right before `token(s)`, make it a count of language-model tokens (`maxTokens`,
 * `prompt_tokens`, `completionTokens`), not a credential.
 */
export const TOKEN_COUNT_QUALIFIERS: readonly string[] = [
  'max',
  'min',
  'prompt',
  'completion',
  'total',
  'input',
  'output',
  'cached',
  'reasoning',
  'num',
  'remaining',
  'used',
  'context',
  'audio',
  'text',
  'image',
  'billed',
  'generated',
  'estimated',
  'candidates',
  'thoughts',
];

/**
 * Words that make the following `key`/`keys` secret material: `privateKey`, `secret_key`,
 * `apiKeys`, `authKey`, `encryptionKey`, `signingKey`, `hmac_key`, `masterKey`, `sessionKey`,
 * `AccountKey` (Azure storage). Other keys stay readable: `primaryKey`, `publicKey`,
 * `cacheKey`, `partitionKey`, `idempotencyKey`, `keyboard`, `monkey`, `turkey`.
 */
export const SECRET_KEY_QUALIFIERS: readonly string[] = [
  'api',
  'access',
  'private',
  'secret',
  'client',
  'session',
  'auth',
  'encryption',
  'encrypt',
  'decryption',
  'signing',
  'hmac',
  'master',
  'crypto',
  'cipher',
  'aes',
  'shared',
  'symmetric',
  'ssh',
  'license',
  'licence',
  'account',
  'storage',
  'subscription',
  'app',
  'webhook',
  'jwt',
  'root',
  'wrapping',
  'recovery',
  'unlock',
  'activation',
  'totp',
  'otp',
  'mfa',
];

/** Words after a secret `key` that describe it: `apiKeyId`, `privateKeyPath`, `accessKeyId`. */
const KEY_FOLLOWERS: readonly string[] = [
  ...DESCRIBES,
  'id',
  'ids',
  'name',
  'path',
  'file',
  'filename',
  'prefix',
  'version',
  'alias',
  'arn',
  'ref',
  'fingerprint',
  'size',
  'bits',
  'algorithm',
  'alg',
  'rotation',
  'rotated',
  'created',
  'url',
  'uri',
  'location',
  'format',
  'source',
  'provider',
];

// Cyrillic and Greek letters that look like Latin ones, and a few Latin variants NFKD keeps.
// Folded only for comparison: `pаssword` (Cyrillic а) must not slip past `password`.
// Each letter of LOOK_ALIKE_LETTERS is read as the Latin letter at the same index of
// LATIN_LETTERS; ß (NFKD keeps it) is read as `ss`.
const LOOK_ALIKE_LETTERS =
  'авеёкмнорстухѕіїјһԁԛԝӏьпгѵɡ' +
  'АВЕКМНОРСТУХЅІЈҮԀԚԜӀαβγεηικ' +
  'νορτυχωςμΑΒΕΖΗΙΚΜΝΟΡΤΥΧıȷłø' +
  'đħ';
const LATIN_LETTERS =
  'abeekmhopctyxsiijhdqwlbnrvg' +
  'ABEKMHOPCTYXSIJYDQWIabyenik' +
  'voptuxwcuABEZHIKMNOPTYXijlo' +
  'dh';
const LOOK_ALIKES: ReadonlyMap<string, string> = new Map([
  ...Array.from(LOOK_ALIKE_LETTERS, (letter, index): [string, string] => [
    letter,
    LATIN_LETTERS[index],
  ]),
  ['ß', 'ss'],
]);

// Marks (accents, variation selectors) and invisible format characters (zero-width space and
// joiners, soft hyphen, BOM, bidi controls, tag characters), plus the invisible fillers that
// Unicode classes as letters.
const INVISIBLE = /[\p{M}\p{Cf}\u115f\u1160\u3164\uffa0\u2800]/gu;
const NON_ASCII = /[^ -~\t\n\r]/;

/** Unicode-folds `key` for comparison: NFKD, invisible characters removed, look-alikes folded. */
function foldKey(key: string): string {
  if (!NON_ASCII.test(key)) return key;
  const stripped = key.normalize('NFKD').replace(INVISIBLE, '');
  if (!NON_ASCII.test(stripped)) return stripped;
  let out = '';
  for (const char of stripped) out += LOOK_ALIKES.get(char) ?? char;
  return out;
}

// A `%` that does not start an escape: decodeURIComponent would throw, and throwing costs
// microseconds (many names read from random text have one).
const STRAY_PERCENT = /%(?![0-9A-Fa-f]{2})/;

function percentDecodeKey(key: string): string {
  if (!key.includes('%') || STRAY_PERCENT.test(key)) return key;
  try {
    return decodeURIComponent(key);
  } catch {
    // Not valid percent-encoding: compare the key as written.
    return key;
  }
}

const LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;
const UPPER = /\p{Lu}/u;

// Character classes for word splitting.
const OTHER = 0;
const LOWER = 1;
const CAPITAL = 2;
const DIGIT = 3;

function classOf(char: string): number {
  const code = char.charCodeAt(0);
  if (code >= 0x61 && code <= 0x7a) return LOWER;
  if (code >= 0x41 && code <= 0x5a) return CAPITAL;
  if (code >= 0x30 && code <= 0x39) return DIGIT;
  if (code < 0x80 || !LETTER_OR_DIGIT.test(char)) return OTHER;
  return UPPER.test(char) ? CAPITAL : LOWER;
}

/** A key as the rules see it: lowercased words joined, and where each word starts. */
export interface KeyWords {
  readonly joined: string;
  /** Offsets in `joined` where a word starts (the first is 0 when there is any word). */
  readonly starts: readonly number[];
  /** 1 at each offset in `starts`: constant-time lookups, so a long hostile key stays linear. */
  readonly isStart: Uint8Array;
}

// Printable ASCII without `%`: nothing to decode or fold, every character its own code unit.
const PLAIN_ASCII_KEY = /^[ -$&-~]*$/;
// What splitPlainAsciiKey leaves out of a lowercased key's joined words.
const NOT_LETTER_OR_DIGIT = /[^a-z0-9]/g;

/**
 * {@link splitKey} for a printable ASCII key without `%` (nearly every key an application
 * logs): the same words and boundaries from char codes and one native `toLowerCase`, without
 * splitting the key into an array of one-character strings (which made key decisions the
 * largest redaction cost when a flood of distinct keys kept the decision cache cold).
 */
function splitPlainAsciiKey(key: string): KeyWords {
  const lower = key.toLowerCase();
  let joined = '';
  const starts: number[] = [];
  let previous = OTHER;
  let runStart = -1;
  const length = key.length;
  for (let i = 0; i < length; i++) {
    const code = key.charCodeAt(i);
    const kind =
      code >= 0x61 && code <= 0x7a
        ? LOWER
        : code >= 0x41 && code <= 0x5a
          ? CAPITAL
          : code >= 0x30 && code <= 0x39
            ? DIGIT
            : OTHER;
    if (kind === OTHER) {
      if (runStart >= 0) joined += lower.slice(runStart, i);
      runStart = -1;
      previous = OTHER;
      continue;
    }
    let boundary = previous === OTHER;
    if (kind === CAPITAL) {
      if (previous === LOWER || previous === DIGIT) boundary = true;
      else if (previous === CAPITAL && i + 1 < length) {
        const next = key.charCodeAt(i + 1);
        if (next >= 0x61 && next <= 0x7a) boundary = true;
      }
    } else if (kind === LOWER && previous === DIGIT) {
      boundary = true;
    }
    if (boundary) starts.push(joined.length + (runStart >= 0 ? i - runStart : 0));
    if (runStart < 0) runStart = i;
    previous = kind;
  }
  if (runStart >= 0) joined += lower.slice(runStart);
  const isStart = new Uint8Array(joined.length + 1);
  for (const start of starts) isStart[start] = 1;
  return { joined, starts, isStart };
}

/** Normalises and splits `key` into words (camelCase, snake, kebab, dots, brackets, spaces). */
export function splitKey(key: string): KeyWords {
  if (PLAIN_ASCII_KEY.test(key)) return splitPlainAsciiKey(key);
  const chars = Array.from(foldKey(percentDecodeKey(key)));
  let joined = '';
  const starts: number[] = [];
  let previous = OTHER;
  for (let i = 0; i < chars.length; i++) {
    const kind = classOf(chars[i]);
    if (kind === OTHER) {
      previous = OTHER;
      continue;
    }
    let boundary = previous === OTHER;
    if (kind === CAPITAL) {
      // `dbPassword`, `sha256Signature`; `APIKey` ends the acronym before `Key`.
      if (previous === LOWER || previous === DIGIT) boundary = true;
      else if (previous === CAPITAL && i + 1 < chars.length && classOf(chars[i + 1]) === LOWER)
        boundary = true;
    } else if (kind === LOWER && previous === DIGIT) {
      boundary = true; // `oauth2token`
    }
    if (boundary) starts.push(joined.length);
    joined += chars[i].toLowerCase();
    previous = kind;
  }
  const isStart = new Uint8Array(joined.length + 1);
  for (const start of starts) isStart[start] = 1;
  return { joined, starts, isStart };
}

/** The normalised form keys are compared in: `X-Api_Key.v 2` → `xapikeyv2`. */
export function normalizeKey(key: string): string {
  return splitKey(key).joined;
}

/** A key rule written by the user: exact after normalisation, or with `*` at either end. */
export interface KeyRule {
  readonly normalized: string;
  readonly prefix: boolean;
  readonly suffix: boolean;
}

/** Parses `'*iban*'`, `'iban*'`, `'iban'`; `undefined` for a rule that would match every key. */
export function parseKeyRule(pattern: string): KeyRule | undefined {
  const prefix = pattern.startsWith('*');
  const suffix = pattern.length > 1 && pattern.endsWith('*');
  const normalized = normalizeKey(pattern.slice(prefix ? 1 : 0, suffix ? -1 : undefined));
  if (normalized.length === 0) return undefined;
  return { normalized, prefix, suffix };
}

function matchesRule(normalized: string, rule: KeyRule): boolean {
  if (rule.prefix && rule.suffix) return normalized.includes(rule.normalized);
  if (rule.prefix) return normalized.endsWith(rule.normalized);
  if (rule.suffix) return normalized.startsWith(rule.normalized);
  return normalized === rule.normalized;
}

function isWordStart(words: KeyWords, at: number): boolean {
  return at >= words.joined.length || words.isStart[at] === 1;
}

/**
 * Whether the text at `at` is a follower describing the secret: it must end where a word
 * ends, unless the key is a single run of letters (`tokencount`) with no boundaries to go by.
 */
function startsWithFollower(words: KeyWords, at: number, followers: readonly string[]): boolean {
  const { joined } = words;
  for (const follower of followers) {
    if (!joined.startsWith(follower, at)) continue;
    if (words.starts.length <= 1 || isWordStart(words, at + follower.length)) return true;
  }
  return false;
}

// What a secret word found in a key makes of it.
const NO_SECRET = 0;
const SECRET = 1;
const SECRET_PLURAL = 2;

/**
 * After a secret word ending at `end`: nothing (a secret), a plural `s` ending the key (a
 * collection of secrets), or a word, which must not be one of `followers`.
 */
function afterSecretWord(words: KeyWords, end: number, followers: readonly string[]): number {
  const { joined } = words;
  let at = end;
  if (joined.charCodeAt(at) === 0x73 && isWordStart(words, at + 1)) {
    at++; // plural `s`
    if (at >= joined.length) return SECRET_PLURAL;
  }
  if (at >= joined.length) return SECRET;
  return startsWithFollower(words, at, followers) ? NO_SECRET : SECRET;
}

function endsWithAny(joined: string, at: number, words: readonly string[]): string | undefined {
  for (const word of words)
    if (at >= word.length && joined.startsWith(word, at - word.length)) return word;
  return undefined;
}

/**
 * Whether a qualifier at `start` begins a word (`max_tokens`, `apiKey`, `x_apikey_value`, not
 * `whatsappKey`); in a key with no boundaries to go by (`maxtokens`) any position counts.
 */
function isQualifierWord(words: KeyWords, start: number): boolean {
  return words.starts.length <= 1 || words.isStart[start] === 1;
}

const LAST_WORDS: ReadonlySet<string> = new Set(SENSITIVE_LAST_WORDS);

// Any of the markers, or `key`, anywhere in a joined key: decideBuiltIn's loops find nothing
// in a key this does not match.
const ANY_MARKER = new RegExp([...SENSITIVE_KEY_MARKERS.keys(), 'key'].join('|'));

export const KEY_NORMAL = 0;
export const KEY_SENSITIVE = 1;
export const KEY_ALLOWED = 2;
/**
 * A plural secret word ends the key (`tokens`, `refresh_tokens`, `apiKeys`): its value is a
 * collection of secrets and is redacted, except a plain number, which is a count
 * (`tokens: 1500` in a language-model usage record).
 */
export const KEY_SECRETS_OR_COUNT = 3;
export type KeyDecision =
  typeof KEY_NORMAL | typeof KEY_SENSITIVE | typeof KEY_ALLOWED | typeof KEY_SECRETS_OR_COUNT;

/** Whether `decision` redacts (strings, objects; a number too unless it is a count). */
export function isRedactingDecision(decision: KeyDecision): boolean {
  return decision === KEY_SENSITIVE || decision === KEY_SECRETS_OR_COUNT;
}

/** The built-in rules on a split key (no user rules, no cache). */
export function decideBuiltIn(words: KeyWords, exact: ReadonlySet<string>): KeyDecision {
  const { joined, starts } = words;
  if (joined.length === 0) return KEY_NORMAL;
  if (exact.has(joined)) return KEY_SENSITIVE;
  if (starts.length > 1 && LAST_WORDS.has(joined.slice(starts[starts.length - 1])))
    return KEY_SENSITIVE;
  // Most keys contain no marker and no `key`: one native search answers for all of them.
  if (!ANY_MARKER.test(joined)) return KEY_NORMAL;
  let found = NO_SECRET;
  for (const [marker, followers] of SENSITIVE_KEY_MARKERS) {
    for (let at = joined.indexOf(marker); at >= 0; at = joined.indexOf(marker, at + 1)) {
      if (marker === 'token') {
        // `maxTokens`, `prompt_tokens`: a count; `tokens`, `refresh_tokens`: credentials.
        const qualifier = endsWithAny(joined, at, TOKEN_COUNT_QUALIFIERS);
        if (qualifier !== undefined && isQualifierWord(words, at - qualifier.length)) continue;
      }
      const kind = afterSecretWord(words, at + marker.length, followers);
      if (kind === SECRET) return KEY_SENSITIVE;
      if (kind === SECRET_PLURAL) found = kind;
    }
  }
  for (let at = joined.indexOf('key'); at > 0; at = joined.indexOf('key', at + 1)) {
    const qualifier = endsWithAny(joined, at, SECRET_KEY_QUALIFIERS);
    if (qualifier === undefined) continue;
    // `whatsappKey` is not an `appKey`: in a key with word boundaries the qualifier is a word.
    if (!isQualifierWord(words, at - qualifier.length)) continue;
    const kind = afterSecretWord(words, at + 3, KEY_FOLLOWERS);
    if (kind === SECRET) return KEY_SENSITIVE;
    if (kind === SECRET_PLURAL) found = kind;
  }
  return found === SECRET_PLURAL ? KEY_SECRETS_OR_COUNT : KEY_NORMAL;
}

/** Flag added to a decision by `classifyEntry`: the key itself is (or contains) a secret. */
export const KEY_TEXT_SECRET = 8;
const DECISION_BITS = 7;

// Keys come from application data and can be attacker-chosen; the cache is bounded both in
// entries and in the length of the keys it keeps.
const CACHE_ENTRIES = 4096;
const CACHE_KEY_LENGTH = 128;
// Bounds of the keys remembered to hold no rule word: entries, and characters in all. Long
// keys are kept too (a 70,000-character key that comes back costs a lookup, not three passes
// over its text: reliability S7), at most half the budget each.
const NO_RULE_WORD_ENTRIES = 2048;
const NO_RULE_WORD_TEXT = 256 * 1024;

/** Decides keys by the built-in rules plus the user's rules, caching decisions per key. */
export class KeyClassifier {
  readonly #exact: ReadonlySet<string>;
  readonly #extraRules: readonly KeyRule[];
  readonly #allowExact: ReadonlySet<string>;
  readonly #allowRules: readonly KeyRule[];
  // Decision plus KEY_TEXT_SECRET, so an entry's key costs one lookup for both.
  readonly #cache = new Map<string, number>();
  // Keys #hasNoRuleWord found without a rule word (never any when allowed keys are set).
  readonly #noRuleWord = new Set<string>();
  #noRuleWordText = 0;
  readonly #hasSecretText: ((key: string) => boolean) | undefined;
  // Every key a rule can find sensitive contains one of these words once joined: the exact
  // keys (the last words and the markers are among them: test/long-string-shortcuts.test.ts),
  // `key` and the extra rules' texts (normalised: letters and digits, nothing to escape).
  readonly #anyRuleWord: RegExp;

  /**
   * `hasSecretText` tells whether a key's own text is a secret (a token used as an object
   * key); its answer is cached with the decision and read by {@link classifyEntry}.
   */
  constructor(
    extraKeys: readonly KeyRule[] = [],
    allowKeys: readonly KeyRule[] = [],
    hasSecretText?: (key: string) => boolean,
  ) {
    this.#hasSecretText = hasSecretText;
    const exact = new Set(SENSITIVE_KEYS);
    const extraRules: KeyRule[] = [];
    for (const rule of extraKeys) {
      if (rule.prefix || rule.suffix) extraRules.push(rule);
      else exact.add(rule.normalized);
    }
    this.#exact = exact;
    this.#extraRules = extraRules;
    this.#allowExact = new Set(
      allowKeys.filter((r) => !r.prefix && !r.suffix).map((r) => r.normalized),
    );
    this.#allowRules = allowKeys.filter((r) => r.prefix || r.suffix);
    this.#anyRuleWord = new RegExp(
      [...exact, 'key', ...extraRules.map((rule) => rule.normalized)].join('|'),
    );
  }

  /** The decision for values under `key`. */
  classify(key: string): KeyDecision {
    // Not remembered when no rule word is in it: answered as fast as a lookup, and the many
    // names read before each `=` of a long text would evict the keys that took work. Only
    // such a key skips the check of its own text (classifyEntry), which runs the whole string
    // redaction on it.
    const cached = this.#cache.get(key);
    if (cached !== undefined) return (cached & DECISION_BITS) as KeyDecision;
    if (this.#hasNoRuleWord(key)) return KEY_NORMAL;
    return (this.classifyEntry(key) & DECISION_BITS) as KeyDecision;
  }

  /** The decision, plus {@link KEY_TEXT_SECRET} when the key's own text holds a secret. */
  classifyEntry(key: string): number {
    const cached = this.#cache.get(key);
    if (cached !== undefined) return cached;
    let decision: number = this.#hasNoRuleWord(key) ? KEY_NORMAL : this.#decide(key);
    if (decision !== KEY_ALLOWED && this.#hasSecretText?.(key) === true)
      decision |= KEY_TEXT_SECRET;
    if (key.length <= CACHE_KEY_LENGTH) {
      if (this.#cache.size >= CACHE_ENTRIES) {
        // Oldest first: Map iterates in insertion order.
        this.#cache.delete(this.#cache.keys().next().value as string);
      }
      this.#cache.set(detachedString(key), decision);
    }
    return decision;
  }

  /**
   * Whether `key` is certainly KEY_NORMAL without splitting it: with no allowed keys, a plain
   * key none of whose rule words are in it once joined (most keys, and nearly every name read
   * before a `=` or `:` in text: 15k of them in a MiB of random text). Keys found so are
   * remembered apart from the decisions (they must not evict keys that took work): the names
   * in text repeat (`file:` and `node:` in every stack frame; 6,719 distinct names in 400,000
   * lookups in reliability S7), and lowercasing, joining and the rule-word search cost about
   * ten times a lookup, more for a long key.
   */
  #hasNoRuleWord(key: string): boolean {
    if (this.#noRuleWord.has(key)) return true;
    if (this.#allowExact.size + this.#allowRules.length > 0 || !PLAIN_ASCII_KEY.test(key))
      return false;
    if (this.#anyRuleWord.test(key.toLowerCase().replace(NOT_LETTER_OR_DIGIT, ''))) return false;
    if (key.length <= NO_RULE_WORD_TEXT / 2) {
      // Emptied when full, as the clean-string memory is: no order to keep, and a flood of
      // distinct names costs what it did before.
      if (
        this.#noRuleWord.size >= NO_RULE_WORD_ENTRIES ||
        this.#noRuleWordText + key.length > NO_RULE_WORD_TEXT
      ) {
        this.#noRuleWord.clear();
        this.#noRuleWordText = 0;
      }
      this.#noRuleWord.add(detachedString(key));
      this.#noRuleWordText += key.length;
    }
    return true;
  }

  #decide(key: string): KeyDecision {
    const words = splitKey(key);
    const dot = key.lastIndexOf('.');
    // `http.request.header.authorization`, `user.password`: the last segment is the field name.
    const last = dot >= 0 && dot < key.length - 1 ? splitKey(key.slice(dot + 1)) : undefined;
    if (this.#isAllowed(words.joined) || (last !== undefined && this.#isAllowed(last.joined))) {
      return KEY_ALLOWED;
    }
    const whole = this.#decideSensitive(words);
    if (whole === KEY_SENSITIVE || last === undefined) return whole;
    const lastDecision = this.#decideSensitive(last);
    return lastDecision === KEY_NORMAL ? whole : lastDecision;
  }

  #isAllowed(normalized: string): boolean {
    if (this.#allowExact.has(normalized)) return true;
    for (const rule of this.#allowRules) if (matchesRule(normalized, rule)) return true;
    return false;
  }

  #decideSensitive(words: KeyWords): KeyDecision {
    if (words.joined.length === 0) return KEY_NORMAL;
    for (const rule of this.#extraRules) if (matchesRule(words.joined, rule)) return KEY_SENSITIVE;
    return decideBuiltIn(words, this.#exact);
  }
}

let defaultClassifier: KeyClassifier | undefined;

/**
 * Whether values under `key` are secrets by the built-in rules (no extra or allowed keys).
 * Browser-safe; decisions are cached.
 */
export function isSensitiveKeyName(key: string): boolean {
  if (typeof key !== 'string') return false;
  defaultClassifier ??= new KeyClassifier();
  return isRedactingDecision(defaultClassifier.classify(key));
}
