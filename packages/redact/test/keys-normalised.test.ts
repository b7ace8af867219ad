// Issue 15, item 3 ("keys, word-aware and normalised"). Every key in the "now redacted" lists
// passed through unredacted before this change (findings: passcode, pw, authKey,
// encryptionKey, signingKey, hmac_key, masterKey, plural tokens/refresh_tokens, the `*Key`
// forms of secret material, Cyrillic/Greek/fullwidth/zero-width spellings), and
// `secretary_name` / `password_reset_requested` lost their values (over-redaction finding).
import { createRedactor, normalizeKey } from '@threadline/redact';
import { isSensitiveKeyName } from '@threadline/redact/rules';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createSeededRandom } from './fixtures/seeded-random.ts';

const R = '[REDACTED]';

const NOW_REDACTED = [
  'passcode',
  'pw',
  'authKey',
  'encryptionKey',
  'signingKey',
  'hmac_key',
  'masterKey',
  'tokens',
  'refresh_tokens',
  'privateKey',
  'secretKey',
  'clientKey',
  'accessKey',
  'apiKeys',
  'sessionKey',
  'AccountKey',
  'admin_pw',
  'db_pwd',
  'card_pin',
  'x_apikey_value',
  'userPasscode',
];

// Words that contain a secret word, or describe a secret without holding one. Their values
// are data a user needs to read.
const BENIGN = [
  'secretary',
  'secretary_name',
  'secretaryName',
  'password_reset_requested',
  'passwordResetRequested',
  'token_count',
  'author',
  'keyboard',
  'monkey',
  'turkey',
  'passenger',
  'keyId',
  'primaryKey',
  'publicKey',
  'cacheKey',
  'partitionKey',
  'idempotencyKey',
  'sortKey',
  'whatsappKey',
  'maxTokens',
  'prompt_tokens',
  'completionTokens',
  'apiKeyId',
  'signingKeyId',
  'accessKeyId',
  'passwordless',
  'account_sid',
  'boarding_pass',
  'tokenError',
  'PasswordMismatch',
];

/** Ways a key is written in code, env vars, headers and configs. */
function spellings(key: string): string[] {
  const words = key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .split(/[\s_-]+/)
    .map((w) => w.toLowerCase());
  const camel = words.map((w, i) => (i === 0 ? w : w[0].toUpperCase() + w.slice(1))).join('');
  return [
    key,
    words.join('_'),
    words.join('-'),
    words.join('_').toUpperCase(),
    camel,
    camel[0].toUpperCase() + camel.slice(1),
    `user.${camel}`,
    `config[${words.join('_')}]`,
  ];
}

// Look-alikes an attacker (or a copy-paste) can put in a key.
const CYRILLIC: Record<string, string> = { a: 'а', e: 'е', o: 'о', p: 'р', c: 'с', x: 'х' };
const GREEK: Record<string, string> = { a: 'α', o: 'ο', p: 'ρ', k: 'κ', i: 'ι', t: 'τ' };

function disguise(key: string, random: () => number): string[] {
  const swap = (table: Record<string, string>) => [...key].map((c) => table[c] ?? c).join('');
  const fullwidth = [...key]
    .map((c) => (/[!-~]/.test(c) ? String.fromCharCode(c.charCodeAt(0) + 0xfee0) : c))
    .join('');
  const at = 1 + Math.floor(random() * (key.length - 1));
  const zeroWidth = ['\u200b', '\u200c', '\u200d', '\u2060', '\ufeff', '\u00ad'];
  const invisible = zeroWidth[Math.floor(random() * zeroWidth.length)];
  return [
    swap(CYRILLIC),
    swap(GREEK),
    fullwidth,
    key.slice(0, at) + invisible + key.slice(at),
    key.slice(0, at) + '\u0301' + key.slice(at), // a combining accent
    [...key].map((c) => String.fromCodePoint(0x1d41a + c.charCodeAt(0) - 0x61)).join(''), // 𝐩𝐚𝐬𝐬
  ];
}

describe('keys: the findings of issue 15', () => {
  const redactor = createRedactor();

  it('redacts values under each newly covered key, in every spelling', () => {
    for (const key of NOW_REDACTED) {
      for (const spelling of spellings(key)) {
        expect(redactor.isSensitiveKey(spelling), spelling).toBe(true);
        const out = redactor.redactValue({ [spelling]: 's3cr3t-Value-9', id: 7 });
        expect(out, spelling).toEqual({ [spelling]: R, id: 7 });
      }
    }
  });

  it('keeps the values of benign keys, in every spelling', () => {
    for (const key of BENIGN) {
      for (const spelling of spellings(key)) {
        expect(redactor.isSensitiveKey(spelling), spelling).toBe(false);
        const input = { [spelling]: 'Jane Roe' };
        expect(redactor.redactValue(input), spelling).toBe(input);
      }
    }
    expect(redactor.redactString('secretary_name=Jane password_reset_requested=yes')).toBe(
      'secretary_name=Jane password_reset_requested=yes',
    );
  });

  it('redacts a plural secret key holding secrets but keeps a token count', () => {
    expect(redactor.redactValue({ tokens: ['abc123', 'def456'] })).toEqual({ tokens: [R, R] });
    expect(redactor.redactValue({ refresh_tokens: 'rt-abc123' })).toEqual({ refresh_tokens: R });
    expect(redactor.redactValue({ tokens: 1500, maxTokens: 4096 })).toEqual({
      tokens: 1500,
      maxTokens: 4096,
    });
    expect(redactor.redactString('tokens=tk_abc123 tokens=1500')).toBe(`tokens=${R} tokens=1500`);
  });

  it('sees through look-alike letters, fullwidth forms, accents and invisible characters', () => {
    const seeded = createSeededRandom(15);
    const random = (): number => seeded.next();
    for (const key of ['password', 'apikey', 'secret', 'token', 'passcode', 'privatekey']) {
      for (const disguised of disguise(key, random)) {
        expect(disguised).not.toBe(key);
        expect(normalizeKey(disguised), JSON.stringify(disguised)).toBe(key);
        const out = redactor.redactValue({ [disguised]: 'hunter2-hunter2' }) as Record<
          string,
          unknown
        >;
        expect(out[disguised], JSON.stringify(disguised)).toBe(R);
        expect(JSON.stringify(out)).not.toContain('hunter2');
      }
    }
  });

  it('keeps benign keys benign when disguised the same way', () => {
    const seeded = createSeededRandom(16);
    const random = (): number => seeded.next();
    for (const key of ['secretary', 'keyboard', 'author', 'passenger', 'monkey']) {
      for (const disguised of disguise(key, random)) {
        expect(redactor.isSensitiveKey(disguised), JSON.stringify(disguised)).toBe(false);
      }
    }
  });

  it('splits camelCase, acronyms, snake, kebab and digits into words', () => {
    expect(redactor.isSensitiveKey('APIKey')).toBe(true);
    expect(redactor.isSensitiveKey('AWSSecretAccessKey')).toBe(true);
    expect(redactor.isSensitiveKey('oauth2Token')).toBe(true);
    expect(redactor.isSensitiveKey('x-hub-signature-256')).toBe(true);
    expect(redactor.isSensitiveKey('TOKENIZER_MODEL')).toBe(false);
    expect(redactor.isSensitiveKey('PASSWORD_MIN_LENGTH')).toBe(false);
  });
});

describe('@threadline/redact/rules (browser-safe)', () => {
  it('decides keys as the redactor does', () => {
    for (const key of [...NOW_REDACTED, 'password', 'Authorization', 'p\u0430ssword'])
      expect(isSensitiveKeyName(key), key).toBe(true);
    for (const key of BENIGN) expect(isSensitiveKeyName(key), key).toBe(false);
    expect(isSensitiveKeyName(undefined as unknown as string)).toBe(false);
  });
});

describe('plain ASCII keys (their own fast split) decide as the general path does', () => {
  // A zero-width space is removed by normalisation but sends the key down the general path
  // (NFKD, look-alike folding, per-character split): both must see the same words.
  const KEY_CHARS = 'aAbBkKeEyYzZsS09_-. [$~'.split('');
  const SECRET_WORDS = ['password', 'Token', 'API', 'Key', 'secret', 'ary', 'max', 'pw', 'Count'];
  const key = fc
    .array(
      fc.oneof(
        fc.string({ unit: fc.constantFrom(...KEY_CHARS), maxLength: 4 }),
        fc.constantFrom(...SECRET_WORDS),
      ),
      { maxLength: 6 },
    )
    .map((parts) => parts.join(''));

  it('same normalised form and the same decision, with or without a zero-width space', () => {
    fc.assert(
      fc.property(key, (k) => {
        expect(normalizeKey(k)).toBe(normalizeKey(`${k}\u200b`));
        expect(isSensitiveKeyName(k)).toBe(isSensitiveKeyName(`\u200b${k}`));
      }),
      { numRuns: 20_000, seed: 20261207 },
    );
  });
});
