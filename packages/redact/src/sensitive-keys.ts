// Which keys hold secrets. Keys are compared normalised: lowercased, with `_`, `-`, `.`,
// whitespace and `[`/`]` removed, so `X-Api-Key`, `api_key`, `apiKey` and `user[api_key]`
// all reach the same decision.

/** Keys redacted only when the whole normalised key (or its last dotted segment) is one of these. */
export const SENSITIVE_KEYS: readonly string[] = [
  // passwords and generic secrets
  'password',
  'passwd',
  'pwd',
  'pass',
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
 * Markers that make a key sensitive wherever they appear in it (`dbPassword`, `github_token`),
 * unless what follows the marker is one of its benign suffixes: `tokenCount`, `maxTokens`,
 * `passwordPolicy` and `secretName` describe a secret without containing one.
 */
export const SENSITIVE_KEY_MARKERS: ReadonlyMap<string, readonly string[]> = new Map([
  [
    'password',
    [
      'length',
      'minlength',
      'maxlength',
      'policy',
      'strength',
      'expiry',
      'expiresat',
      'expiresin',
      'changedat',
      'updatedat',
      'lastchanged',
      'lastchangedat',
      'age',
    ],
  ],
  ['passwd', []],
  ['passphrase', []],
  ['secret', ['name', 'arn', 'id', 'ref', 'version', 'versionid', 'path', 'expiry', 'expiresat']],
  [
    'token',
    [
      's',
      'count',
      'counts',
      'scount',
      'sused',
      'susage',
      'usage',
      'limit',
      'limits',
      'type',
      'expiry',
      'expires',
      'expiresat',
      'expiresin',
      'ttl',
      'length',
      'ize',
      'ized',
      'izer',
      'ization',
      'url',
      'uri',
      'endpoint',
    ],
  ],
  ['apikey', ['id', 'name', 'prefix']],
  ['accesskey', ['id']],
  ['privatekey', ['id', 'path', 'file']],
  ['clientsecret', []],
  ['sessionid', []],
  ['credential', ['id', 'type', 'name', 'count', 'provider']],
  ['signature', ['algorithm', 'alg', 'method', 'version', 'type']],
  ['cardnumber', ['last4', 'suffix', 'mask', 'masked']],
  ['creditcard', ['type', 'brand', 'last4', 'expiry', 'expmonth', 'expyear']],
  ['cvv', []],
  ['cvc', []],
]);

const SEPARATORS = /[\s_.\-[\]]+/g;

/** Lowercases `key` and removes `_`, `-`, `.`, whitespace and brackets. */
export function normalizeKey(key: string): string {
  let lowered = key.toLowerCase();
  if (lowered.includes('%')) {
    try {
      lowered = decodeURIComponent(lowered);
    } catch {
      // Not valid percent-encoding: compare the key as written.
    }
  }
  return lowered.replace(SEPARATORS, '');
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

export const KEY_NORMAL = 0;
export const KEY_SENSITIVE = 1;
export const KEY_ALLOWED = 2;
export type KeyDecision = typeof KEY_NORMAL | typeof KEY_SENSITIVE | typeof KEY_ALLOWED;

// Keys come from application data and can be attacker-chosen; the cache is bounded both in
// entries and in the length of the keys it keeps.
const CACHE_ENTRIES = 4096;
const CACHE_KEY_LENGTH = 128;

/** Decides keys by the built-in lists plus the user's rules, caching decisions. */
export class KeyClassifier {
  readonly #exact: ReadonlySet<string>;
  readonly #extraRules: readonly KeyRule[];
  readonly #allowExact: ReadonlySet<string>;
  readonly #allowRules: readonly KeyRule[];
  readonly #cache = new Map<string, KeyDecision>();

  constructor(extraKeys: readonly KeyRule[], allowKeys: readonly KeyRule[]) {
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
  }

  classify(key: string): KeyDecision {
    const cached = this.#cache.get(key);
    if (cached !== undefined) return cached;
    const decision = this.#decide(key);
    if (key.length <= CACHE_KEY_LENGTH) {
      if (this.#cache.size >= CACHE_ENTRIES) {
        // Oldest first: Map iterates in insertion order.
        this.#cache.delete(this.#cache.keys().next().value as string);
      }
      this.#cache.set(key, decision);
    }
    return decision;
  }

  #decide(key: string): KeyDecision {
    const normalized = normalizeKey(key);
    const dot = key.lastIndexOf('.');
    // `http.request.header.authorization`, `user.password`: the last segment is the field name.
    const last = dot >= 0 && dot < key.length - 1 ? normalizeKey(key.slice(dot + 1)) : undefined;
    if (this.#isAllowed(normalized) || (last !== undefined && this.#isAllowed(last))) {
      return KEY_ALLOWED;
    }
    if (this.#isSensitive(normalized) || (last !== undefined && this.#isSensitive(last))) {
      return KEY_SENSITIVE;
    }
    return KEY_NORMAL;
  }

  #isAllowed(normalized: string): boolean {
    if (this.#allowExact.has(normalized)) return true;
    for (const rule of this.#allowRules) if (matchesRule(normalized, rule)) return true;
    return false;
  }

  #isSensitive(normalized: string): boolean {
    if (normalized.length === 0) return false;
    if (this.#exact.has(normalized)) return true;
    for (const rule of this.#extraRules) if (matchesRule(normalized, rule)) return true;
    for (const [marker, benignSuffixes] of SENSITIVE_KEY_MARKERS) {
      let from = normalized.indexOf(marker);
      while (from >= 0) {
        const suffix = normalized.slice(from + marker.length);
        if (!benignSuffixes.includes(suffix)) return true;
        from = normalized.indexOf(marker, from + 1);
      }
    }
    return false;
  }
}
