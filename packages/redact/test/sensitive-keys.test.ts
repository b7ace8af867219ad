import {
  ATTR_HTTP_REQUEST_HEADER,
  ATTR_HTTP_RESPONSE_HEADER,
} from '@opentelemetry/semantic-conventions';
import { SENSITIVE_KEYS, createRedactor, normalizeKey } from '@threadline/redact';
import { afterEach, describe, expect, it, vi } from 'vitest';

afterEach(() => {
  vi.unstubAllEnvs();
});

/** The spellings one key takes in code, headers, env vars and configs. */
function spellings(key: string): string[] {
  return [key, key.toUpperCase(), key[0].toUpperCase() + key.slice(1)];
}

describe('isSensitiveKey', () => {
  const redactor = createRedactor();

  it('matches every built-in key however it is cased or separated', () => {
    for (const key of SENSITIVE_KEYS) {
      for (const spelling of spellings(key))
        expect(redactor.isSensitiveKey(spelling), spelling).toBe(true);
    }
    for (const key of [
      'Authorization',
      'Proxy-Authorization',
      'Set-Cookie',
      'X-API-Key',
      'x_api_key',
      'api-key',
      'API_KEY',
      'apiKey',
      'access_token',
      'refresh-token',
      'id_token',
      'client_secret',
      'private_key',
      'card_number',
      'cc_number',
      'credit-card',
      'card_cvc',
      'CVV2',
      'session_id',
      'JSESSIONID',
      'connect.sid',
      'social security number',
    ]) {
      expect(redactor.isSensitiveKey(key), key).toBe(true);
    }
  });

  it('catches keys that contain a strong marker', () => {
    for (const key of [
      'dbPassword',
      'DB_PASSWORD',
      'newPassword',
      'password_confirmation',
      'github_token',
      'x-auth-token',
      'X-Amz-Security-Token',
      'csrfToken',
      'stripeSecretKey',
      'aws_secret_access_key',
      'webhookSecret',
      'stripeApiKey',
      'sshPrivateKey',
      'userSessionId',
      'x-hub-signature-256',
      'awsCredentials',
      'customerCardNumber',
      'creditCardNumber',
      'card_cvv',
    ]) {
      expect(redactor.isSensitiveKey(key), key).toBe(true);
    }
  });

  it('leaves keys that describe a secret without holding one', () => {
    for (const key of [
      'tokenCount',
      'maxTokens',
      'prompt_tokens',
      'totalTokens',
      'tokensUsed',
      'tokenType',
      'token_type',
      'accessTokenExpiresAt',
      'refresh_token_expires_in',
      'tokenizer',
      'tokenUrl',
      'passwordPolicy',
      'passwordLength',
      'password_expires_at',
      'secretName',
      'secret_arn',
      'apiKeyId',
      'accessKeyId',
      'privateKeyPath',
      'credentialId',
      'signatureAlgorithm',
      'cardNumberLast4',
    ]) {
      expect(redactor.isSensitiveKey(key), key).toBe(false);
    }
  });

  it('matches short keys only whole, so words containing them are left alone', () => {
    for (const key of [
      'company',
      'span',
      'spinner',
      'className',
      'author',
      'oauthProvider',
      'passenger',
      'pinned',
      'sidebar',
      'design',
      'pandas',
      'otpEnabled',
    ]) {
      expect(redactor.isSensitiveKey(key), key).toBe(false);
    }
    for (const key of ['pan', 'PIN', 'ssn', 'auth', 'sid', 'pwd', 'pass', 'otp']) {
      expect(redactor.isSensitiveKey(key), key).toBe(true);
    }
  });

  it('decides a dotted key by its last segment too', () => {
    expect(redactor.isSensitiveKey(ATTR_HTTP_REQUEST_HEADER('authorization'))).toBe(true);
    expect(redactor.isSensitiveKey(ATTR_HTTP_RESPONSE_HEADER('set-cookie'))).toBe(true);
    expect(redactor.isSensitiveKey(ATTR_HTTP_REQUEST_HEADER('x-api-key'))).toBe(true);
    expect(redactor.isSensitiveKey('payment.pan')).toBe(true);
    expect(redactor.isSensitiveKey('user.password')).toBe(true);
    expect(redactor.isSensitiveKey(ATTR_HTTP_REQUEST_HEADER('content-type'))).toBe(false);
    expect(redactor.isSensitiveKey('trace.span')).toBe(false);
  });

  it('reads form-style and percent-encoded names', () => {
    expect(redactor.isSensitiveKey('user[password]')).toBe(true);
    expect(redactor.isSensitiveKey('api%5Fkey')).toBe(true);
    expect(redactor.isSensitiveKey('%E0%A4%A')).toBe(false);
  });

  it('normalises by lowercasing and removing separators', () => {
    expect(normalizeKey('X-Api_Key.v 2')).toBe('xapikeyv2');
  });

  it('returns false for anything that is not a string', () => {
    expect(redactor.isSensitiveKey(undefined as unknown as string)).toBe(false);
    expect(redactor.isSensitiveKey(Symbol('password') as unknown as string)).toBe(false);
  });
});

describe('extraKeys and allowKeys', () => {
  it('adds exact and wildcard keys', () => {
    const redactor = createRedactor({ extraKeys: ['iban', '*_pin*', 'vault*'] });
    expect(redactor.isSensitiveKey('IBAN')).toBe(true);
    expect(redactor.isSensitiveKey('customerIban')).toBe(false);
    expect(redactor.isSensitiveKey('card_pin_hash')).toBe(true);
    expect(redactor.isSensitiveKey('vaultPath')).toBe(true);
    expect(redactor.redactValue({ iban: 'DE89370400440532013000' })).toEqual({
      iban: '[REDACTED]',
    });
    expect(redactor.redactString('transfer iban=DE89370400440532013000 ok')).toBe(
      'transfer iban=[REDACTED] ok',
    );
  });

  it('never redacts an allowed key, not even by value pattern', () => {
    const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJlMTIz';
    const redactor = createRedactor({ allowKeys: ['tokenId'] });
    expect(redactor.isSensitiveKey('token_id')).toBe(false);
    const input = { tokenId: jwt, token: jwt, debugBlob: { password: 'hunter2' } };
    expect(redactor.redactValue(input)).toEqual({
      tokenId: jwt,
      token: '[REDACTED]',
      debugBlob: { password: '[REDACTED]' },
    });
    const prefixed = createRedactor({ allowKeys: ['debug.*'] });
    expect(prefixed.redactValue(input)).toEqual({
      tokenId: '[REDACTED]',
      token: '[REDACTED]',
      debugBlob: input.debugBlob,
    });
  });

  it('takes extra keys from THREADLINE_REDACT_EXTRA_KEYS in addition to the option', () => {
    vi.stubEnv('THREADLINE_REDACT_EXTRA_KEYS', 'iban, tax_id ,,');
    const redactor = createRedactor({ extraKeys: ['passport'] });
    expect(redactor.isSensitiveKey('iban')).toBe(true);
    expect(redactor.isSensitiveKey('taxId')).toBe(true);
    expect(redactor.isSensitiveKey('passport')).toBe(true);
  });

  it('takes allowed keys from THREADLINE_REDACT_ALLOW_KEYS unless the option is set', () => {
    vi.stubEnv('THREADLINE_REDACT_ALLOW_KEYS', 'pageToken');
    expect(createRedactor().isSensitiveKey('pageToken')).toBe(false);
    expect(createRedactor({ allowKeys: [] }).isSensitiveKey('pageToken')).toBe(true);
  });

  it('rejects a rule that would match every key', () => {
    expect(() => createRedactor({ extraKeys: ['*'] })).toThrow(TypeError);
    expect(() => createRedactor({ allowKeys: ['**'] })).toThrow(TypeError);
  });
});
