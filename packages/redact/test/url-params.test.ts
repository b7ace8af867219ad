// URL-only credential parameters for services (issue 15, item 5 extended to Node): `?code=`,
// `ticket`, SAML messages and the credential parts of pre-signed cloud URLs were redacted only
// by @threadline/browser's own list; in a service, an outgoing span's `url.full` or a logged
// callback URL kept them (each assertion on a secret below failed on main before this change:
// `code`, `ticket`, `SAMLResponse`, `X-Amz-Credential`, `X-Goog-Credential`, `oauth_verifier`,
// `key` are not sensitive keys, and the string redaction had no notion of a URL parameter).
import { ATTR_URL_FULL, ATTR_URL_QUERY } from '@opentelemetry/semantic-conventions';
import {
  InMemorySpanExporter,
  SimpleSpanProcessor,
  TracerProvider,
} from '@opentelemetry/sdk-trace';
import { createRedactingSpanProcessor, createRedactor } from '@threadline/redact';
import { URL_CREDENTIAL_PARAMETERS, isUrlCredentialParameter } from '@threadline/redact/rules';
import { describe, expect, it } from 'vitest';
import { ALNUM, createSeededRandom } from './fixtures/seeded-random.ts';

const R = '[REDACTED]';
const redactor = createRedactor();

// Spellings as providers write them; each normalises to an entry of the list.
const CREDENTIAL_PARAMETERS = [
  'code',
  'oauth_verifier',
  'key',
  'ticket',
  'SAMLResponse',
  'SAMLRequest',
  'SAMLart',
  'X-Amz-Credential',
  'X-Amz-Security-Token',
  'X-Goog-Credential',
  'X-Goog-Signature',
  'x-google-signature',
];

/** A URL-safe secret-looking value (what an authorization code or a SAML blob looks like). */
function values(seed: number, count: number): string[] {
  const random = createSeededRandom(seed);
  return Array.from({ length: count }, () => random.string(`${ALNUM}-_~.`, random.int(6, 60)));
}

describe('URL credential parameters in service strings', () => {
  it('lists each documented parameter once, normalised', () => {
    for (const name of CREDENTIAL_PARAMETERS)
      expect(isUrlCredentialParameter(name), name).toBe(true);
    expect(URL_CREDENTIAL_PARAMETERS.size).toBe(
      new Set(CREDENTIAL_PARAMETERS.map((n) => n.toLowerCase().replace(/[-_]/g, ''))).size,
    );
    // Not secrets (see url-params.ts): OAuth state, Azure SAS metadata, SigV4 metadata.
    for (const name of ['state', 'sv', 'se', 'st', 'sp', 'sr', 'X-Amz-Date', 'X-Amz-Expires'])
      expect(isUrlCredentialParameter(name), name).toBe(false);
  });

  it('replaces the value after ?, & and # in a logged URL, keeps the name and the other parameters', () => {
    const secrets = values(15, CREDENTIAL_PARAMETERS.length * 3);
    let i = 0;
    for (const name of CREDENTIAL_PARAMETERS) {
      const [first, middle, fragment] = [secrets[i++], secrets[i++], secrets[i++]];
      expect(
        redactor.redactString(
          `GET https://idp.example.com/cb?${name}=${first}&state=af0ifjsldkj&page=2 -> 302`,
        ),
      ).toBe(`GET https://idp.example.com/cb?${name}=${R}&state=af0ifjsldkj&page=2 -> 302`);
      expect(
        redactor.redactString(`/files/a.pdf?X-Amz-Date=20260101T000000Z&${name}=${middle}`),
      ).toBe(`/files/a.pdf?X-Amz-Date=20260101T000000Z&${name}=${R}`);
      expect(redactor.redactString(`redirecting to https://app.example/#${name}=${fragment}`)).toBe(
        `redirecting to https://app.example/#${name}=${R}`,
      );
      for (const secret of [first, middle, fragment])
        expect(redactor.redactValue({ msg: `callback /cb?${name}=${secret}` })).toEqual({
          msg: `callback /cb?${name}=${R}`,
        });
    }
  });

  it('replaces percent-encoded values and a pre-signed S3 URL as a whole', () => {
    const saml = encodeURIComponent('PHNhbWxwOlJlc3BvbnNlIElEPSJfMTIzIj4+PC9zYW1scDpSZXNwb25zZT4=');
    expect(redactor.redactString(`POST /acs?SAMLResponse=${saml}&RelayState=%2Fhome`)).toBe(
      `POST /acs?SAMLResponse=${R}&RelayState=%2Fhome`,
    );
    const credential = 'ASIAXAMPLE%2F20260101%2Fus-east-1%2Fs3%2Faws4_request';
    const token = 'IQoJb3JpZ2luX2VjEJr%2F%2F%2F%2F%2F%2F%2F%2F%2F%2FwEaCXVzLWVhc3QtMSJH';
    const signature = 'b2f1c0a9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d9c8b7a6f5e4d3c2b1';
    const presigned =
      `https://bucket.s3.amazonaws.com/report.pdf?X-Amz-Algorithm=AWS4-HMAC-SHA256` +
      `&X-Amz-Credential=${credential}&X-Amz-Date=20260101T000000Z&X-Amz-Expires=300` +
      `&X-Amz-Security-Token=${token}&X-Amz-SignedHeaders=host&X-Amz-Signature=${signature}`;
    expect(redactor.redactString(presigned)).toBe(
      `https://bucket.s3.amazonaws.com/report.pdf?X-Amz-Algorithm=AWS4-HMAC-SHA256` +
        `&X-Amz-Credential=${R}&X-Amz-Date=20260101T000000Z&X-Amz-Expires=300` +
        `&X-Amz-Security-Token=${R}&X-Amz-SignedHeaders=host&X-Amz-Signature=${R}`,
    );
  });

  it('replaces them in a form-encoded string: a url.query value, an OAuth token request body', () => {
    const [code, verifier] = values(18, 2);
    expect(redactor.redactString(`code=${code}&state=af0ifj`)).toBe(`code=${R}&state=af0ifj`);
    expect(
      redactor.redactString(
        `grant_type=authorization_code&code=${code}&redirect_uri=https%3A%2F%2Fapp.example%2Fcb`,
      ),
    ).toBe(`grant_type=authorization_code&code=${R}&redirect_uri=https%3A%2F%2Fapp.example%2Fcb`);
    expect(redactor.redactString(`oauth_verifier=${verifier}&oauth_token=t0k3n-abc123`)).toBe(
      `oauth_verifier=${R}&oauth_token=${R}`,
    );
  });

  it('keeps the metadata of an Azure SAS URL readable and removes only its signature', () => {
    const sas =
      'https://acct.blob.core.windows.net/c/report.pdf?sv=2022-11-02&st=2026-01-01T00%3A00%3A00Z' +
      '&se=2026-01-02T00%3A00%3A00Z&sr=b&sp=r&spr=https';
    expect(redactor.redactString(`${sas}&sig=q1w2e3r4t5y6u7i8o9p0`)).toBe(`${sas}&sig=${R}`);
  });

  it('leaves code, key and ticket alone outside a URL parameter, and URLs without them', () => {
    for (const text of [
      'process exited with code=2',
      'error code=E_TIMEOUT after 3 retries',
      '{"code":"ORDER_NOT_FOUND","status":404}',
      'cache key=user:42:profile',
      'ticket=JIRA-1234 closed',
      'https://shop.example.com/orders?state=open&sort=asc&page=2',
      'https://shop.example.com/promo?promocode=SPRING24&zipcode=10115',
      'GET /search?q=status%20code&lang=en',
      'code=E42',
      'code=E42 & retry later',
    ])
      expect(redactor.redactString(text), text).toBe(text);
    // A field named `code` is an ordinary field (an error code), as before.
    expect(redactor.redactValue({ code: 'E_TIMEOUT', key: 'user:42' })).toEqual({
      code: 'E_TIMEOUT',
      key: 'user:42',
    });
  });

  it('respects allowKeys: an application that allows code keeps it', () => {
    const allowing = createRedactor({ allowKeys: ['code'] });
    expect(allowing.redactString('/cb?code=SplxlOBeZQQYbYS6WxSbIA&ticket=ST-1-abcdef')).toBe(
      `/cb?code=SplxlOBeZQQYbYS6WxSbIA&ticket=${R}`,
    );
  });
});

describe('URL credential parameters in a logged URLSearchParams (a URL query by definition)', () => {
  it('masks code, ticket and SAMLResponse, keeps state and the class', () => {
    const [code, ticket, saml] = values(17, 3);
    const params = new URLSearchParams({ code, state: 'af0ifj', ticket, SAMLResponse: saml });
    const out = redactor.redactValue({ query: params }) as { query: URLSearchParams };
    expect(out.query).toBeInstanceOf(URLSearchParams);
    expect([...out.query]).toEqual([
      ['code', R],
      ['state', 'af0ifj'],
      ['ticket', R],
      ['SAMLResponse', R],
    ]);
    expect(params.get('code')).toBe(code); // the application's object is untouched
    // A form field named `code` in FormData is not a URL parameter (a discount code).
    const form = new FormData();
    form.set('code', 'SPRING24');
    expect((redactor.redactValue(form) as FormData).get('code')).toBe('SPRING24');
  });
});

describe('URL credential parameters on spans (outgoing http url.full)', () => {
  it('exports url.full without the authorization code, the SAML response or the CAS ticket', async () => {
    const exporter = new InMemorySpanExporter();
    const provider = new TracerProvider({
      spanProcessors: [
        new SimpleSpanProcessor({ exporter }),
        createRedactingSpanProcessor(createRedactor()),
      ],
    });
    const tracer = provider.getTracer('http');
    const [code, saml, ticket] = values(16, 3);
    const urls = [
      `https://oauth2.googleapis.com/callback?code=${code}&scope=openid`,
      `https://sso.example.com/acs?SAMLResponse=${saml}`,
      `https://cas.example.com/serviceValidate?service=https%3A%2F%2Fapp&ticket=${ticket}`,
    ];
    for (const url of urls) {
      const span = tracer.startSpan('GET', { attributes: { [ATTR_URL_FULL]: url } });
      span.end();
    }
    await provider.forceFlush();
    expect(exporter.getFinishedSpans().map((s) => s.attributes[ATTR_URL_FULL])).toEqual([
      `https://oauth2.googleapis.com/callback?code=${R}&scope=openid`,
      `https://sso.example.com/acs?SAMLResponse=${R}`,
      `https://cas.example.com/serviceValidate?service=https%3A%2F%2Fapp&ticket=${R}`,
    ]);
    await provider.shutdown();
  });

  it('exports a server span url.query (no leading ?) without the code', async () => {
    const exporter = new InMemorySpanExporter();
    const provider = new TracerProvider({
      spanProcessors: [
        new SimpleSpanProcessor({ exporter }),
        createRedactingSpanProcessor(createRedactor()),
      ],
    });
    const [code] = values(19, 1);
    const span = provider.getTracer('http').startSpan('GET /callback', {
      attributes: { [ATTR_URL_QUERY]: `code=${code}&state=af0ifj&scope=openid%20email` },
    });
    span.end();
    await provider.forceFlush();
    expect(exporter.getFinishedSpans()[0].attributes[ATTR_URL_QUERY]).toBe(
      `code=${R}&state=af0ifj&scope=openid%20email`,
    );
    await provider.shutdown();
  });
});
