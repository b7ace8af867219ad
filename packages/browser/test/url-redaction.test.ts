// URL redaction as the encoders apply it (issue 15, item 5): the fragment goes, the values of
// sensitive query parameters become the marker with their names kept, secrets recognised by
// shape go from the rest, and nothing else about the URL changes.
import { isUrlCredentialParameter } from '@threadline/redact/rules';
import { createSeededRandom, generateLookAlikeCorpus } from '@threadline/redact/test-corpus';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { REDACTED, createRedaction } from '../src/redaction.ts';

const errors: unknown[] = [];
const redaction = createRedaction([], (error) => errors.push(error));
const url = (value: string) => redaction.url(value);

describe('redactUrl', () => {
  it('drops the fragment and the values of credential parameters, keeping their names (findings: ?code=, #access_token=, ?api_key=&password=)', () => {
    expect(
      url('https://shop.example.com/callback?code=SplxlOBeZQQYbYS6WxSbIA&state=af0ifjsldkj'),
    ).toBe(`https://shop.example.com/callback?code=${REDACTED}&state=af0ifjsldkj`);
    expect(
      url(
        'https://shop.example.com/#access_token=ya29.a0AfH6SMBx&token_type=Bearer&expires_in=3599',
      ),
    ).toBe('https://shop.example.com/');
    expect(url('/api/items?api_key=k3y-9f8e7d6c&password=hunter2!&page=2')).toBe(
      `/api/items?api_key=${REDACTED}&password=${REDACTED}&page=2`,
    );
    expect(errors).toEqual([]);
  });

  it('redacts by name whatever the spelling, and the URL-only credential names', () => {
    const random = createSeededRandom(7);
    for (const name of [
      'access_token',
      'refresh_token',
      'id_token',
      'client_secret',
      'X-Amz-Signature',
      'X-Amz-Credential',
      'X-Amz-Security-Token',
      'sig',
      'apiKey',
      'API-KEY',
      'key',
      'ticket',
      'SAMLResponse',
      'SAMLRequest',
      'SAMLart',
      'oauth_verifier',
      'X-Goog-Credential',
      'X-Goog-Signature',
      'session_id',
      'user%5Bpassword%5D',
      'auth_token',
    ]) {
      const value = random.string('abcdefghijklmnopqrstuvwxyz0123456789', random.int(6, 30));
      const redacted = url(`https://api.example.com/v1/x?page=3&${name}=${value}&sort=asc`);
      expect(redacted, name).toBe(
        `https://api.example.com/v1/x?page=3&${name}=${REDACTED}&sort=asc`,
      );
    }
  });

  it('keeps OAuth state, ordinary parameters and look-alike values exactly as written', () => {
    const lookAlikes = generateLookAlikeCorpus({ perKind: 4 });
    for (const { value } of lookAlikes) {
      const written = `https://shop.example.com/orders/search?state=open&ref=${encodeURIComponent(value)}&page=2`;
      expect(url(written)).toBe(written);
    }
    expect(url('/a/b?state=CA&q=pizza+salami&empty=&flag')).toBe(
      '/a/b?state=CA&q=pizza+salami&empty=&flag',
    );
  });

  it('finds secrets by shape in other parameter values, in the path and in user info, decoded', () => {
    const jwt =
      'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U';
    const redactedQuery = url(
      `https://x.example/p?note=${encodeURIComponent(`id token ${jwt}`)}&n=1`,
    );
    expect(redactedQuery).toBe(`https://x.example/p?note=id%20token%20${REDACTED}&n=1`);
    expect(url(`https://x.example/p?q=card%204111%201111%201111%201111`)).toBe(
      `https://x.example/p?q=card%20${REDACTED}`,
    );
    expect(url('https://app:s3cr3t-Pa55@db.example.com/x')).not.toContain('s3cr3t-Pa55');
    expect(url(`https://x.example/session/${jwt}/view`)).toBe(
      `https://x.example/session/${REDACTED}/view`,
    );
  });

  it('copes with hostile URLs: malformed escapes, empty parts, many parameters, a huge value', () => {
    expect(url('/x?password=%E0%A4%A&q=%ZZ&&=&#')).toBe(`/x?password=${REDACTED}&q=%ZZ&&=&`);
    const many = Array.from({ length: 2000 }, (_, i) => `p${i}=${i}`).join('&');
    expect(url(`/x?${many}&token=abc123`)).toBe(`/x?${many}&token=${REDACTED}`);
    const huge = `/x?q=${'a'.repeat(200_000)}&secret=zz9`;
    expect(url(huge)).toBe(`/x?q=${'a'.repeat(200_000)}&secret=${REDACTED}`);
    expect(errors).toEqual([]);
  });

  it('property: any query keeps its clean parameters byte for byte and loses exactly the sensitive values and the fragment', () => {
    const sensitiveNames = ['password', 'access_token', 'api_key', 'code', 'client_secret', 'sig'];
    const name = fc
      .stringMatching(/^[a-z][a-z0-9]{0,7}$/)
      .filter((n) => !redaction.isSensitiveKey(n) && !isUrlCredentialParameter(n));
    const value = fc.stringMatching(/^[A-Za-z0-9._~-]{0,12}$/);
    const parameter = fc.oneof(
      fc.record({ name, value, sensitive: fc.constant(false) }),
      fc.record({
        name: fc.constantFrom(...sensitiveNames),
        value: value.filter((v) => v !== ''),
        sensitive: fc.constant(true),
      }),
    );
    fc.assert(
      fc.property(fc.array(parameter, { maxLength: 12 }), fc.string(), (parameters, fragment) => {
        const query = parameters.map((p) => `${p.name}=${p.value}`).join('&');
        const expected = parameters
          .map((p) => `${p.name}=${p.sensitive ? REDACTED : p.value}`)
          .join('&');
        expect(url(`https://shop.example.com/a/b?${query}#${fragment}`)).toBe(
          `https://shop.example.com/a/b?${expected}`,
        );
      }),
      { numRuns: 300, seed: 15 },
    );
  });

  it('adds keys from redactKeys, with wildcards', () => {
    const custom = createRedaction(['state', '*iban*'], () => undefined);
    expect(
      custom.url('/cb?code=c0de&state=xyz&customerIbanNumber=DE89370400440532013000&x=1'),
    ).toBe(`/cb?code=${REDACTED}&state=${REDACTED}&customerIbanNumber=${REDACTED}&x=1`);
    expect(custom.isSensitiveKey('state')).toBe(true);
    expect(redaction.isSensitiveKey('state')).toBe(false);
  });
});
