// The collector's `redaction` processor (otel-collector.yaml), on the wire: logs and spans
// carrying secrets and harmless look-alikes go through the REAL collector binary into the
// Loki, Elasticsearch and Tempo stand-ins. Secrets must be masked everywhere; look-alikes
// (trace/span ids, UUIDs, timestamps, dates, plain URLs) must arrive unchanged. This is the
// second line of defence; the services redact first (@threadline/redact). Loki, Tempo and
// Elasticsearch are wire stand-ins from @threadline/testing, not the real backends.
//
// Issue 15 item 6 (each case below failed on the config before it): `key=value`,
// `key: value` and `"key":"value"` secrets in text and URLs (query and fragment), the vendor
// credential formats, the LogRecord event_name, span names and span event names.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BulkDocument, ReceivedLogRecord, ReceivedSpan } from '@threadline/testing';
import { keyValues, logsRequest, startCollector } from './collector-harness.ts';
import type { LogRecordInput, RunningCollector } from './collector-harness.ts';

/** A secret as it may appear in text, and the part of it that must not survive. */
interface Secret {
  name: string;
  text: string;
  secret: string;
  /** A private key without its END line is masked up to the end of the value. */
  masksRest?: boolean;
  /**
   * Sent through the browser door: contiguous card numbers are masked there only (the
   * processor cannot check Luhn; the services' first line does).
   */
  browser?: boolean;
}

const JWT =
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkphbmUifQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c';
const PEM_BODY = 'MIIEpAIBAAKCAQEA1c7+9z5Pad7OejecsQ0bu3aozN3tihPmljnnudb9G3HecVJx';

const SECRETS: Secret[] = [
  { name: 'Visa, 16 digits', text: '4111111111111111', secret: '4111111111111111', browser: true },
  {
    name: 'Mastercard 2-series',
    text: '2223003122003222',
    secret: '2223003122003222',
    browser: true,
  },
  { name: 'Amex, 15 digits', text: '378282246310005', secret: '378282246310005', browser: true },
  { name: 'Discover', text: '6011111111111117', secret: '6011111111111117', browser: true },
  {
    name: 'Visa with spaces',
    text: '4111 1111 1111 1111',
    secret: '1111 1111 1111',
    browser: true,
  },
  {
    name: 'Mastercard with dashes',
    text: '5555-5555-5555-4444',
    secret: '5555-5555-4444',
    browser: true,
  },
  { name: 'Amex grouped 4-6-5', text: '3782 822463 10005', secret: '822463', browser: true },
  {
    name: '19-digit card, grouped',
    text: '6011 0009 9013 9424 111',
    secret: '9013 9424',
    browser: true,
  },
  { name: 'JWT', text: JWT, secret: 'SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c' },
  {
    name: 'Bearer token',
    text: 'Authorization: Bearer 3f9a7c1e5b2d4f6a8c0e',
    secret: '3f9a7c1e5b2d4f6a8c0e',
  },
  { name: 'AWS access key id', text: 'AKIAIOSFODNN7EXAMPLE', secret: 'IOSFODNN7EXAMPLE' },
  { name: 'AWS temporary key id', text: 'ASIAY34FZKBOKMUTVV7A', secret: 'Y34FZKBOKMUTVV7A' },
  {
    name: 'PEM private key',
    text: `-----BEGIN RSA PRIVATE KEY-----\n${PEM_BODY}\n-----END RSA PRIVATE KEY-----`,
    secret: PEM_BODY,
  },
  {
    name: 'PEM private key cut short',
    text: `-----BEGIN PRIVATE KEY-----\n${PEM_BODY}`,
    secret: PEM_BODY,
    masksRest: true,
  },
  {
    name: 'credentials in a URL',
    text: 'postgres://orders:s3cr3t-pw@db.internal:5432/orders',
    secret: 's3cr3t-pw',
  },
  {
    name: 'token as URL user',
    text: 'https://ghp_x9Yk2LmN4pQ7rS1t@github.com/acme/repo.git',
    secret: 'ghp_x9Yk2LmN4pQ7rS1t',
  },
  // --- issue 15 item 6: a sensitive name and its value, in text, URLs, JSON and YAML
  { name: 'key=value in text', text: 'login with password=hunter2-kv', secret: 'hunter2-kv' },
  { name: 'key: value (YAML)', text: 'db_password: s3cr3t-yaml', secret: 's3cr3t-yaml' },
  { name: 'quoted value', text: "secret='q-9f8e7d 6c5b'", secret: '9f8e7d 6c5b' },
  { name: 'JSON text', text: '{"user":"bob","api_key":"k-live-7f3a9c"}', secret: 'k-live-7f3a9c' },
  {
    name: 'URL query',
    text: 'https://shop.example/login?user=bob&password=hunter2q&next=%2F',
    secret: 'hunter2q',
  },
  {
    name: 'URL query, api key and token',
    text: 'GET /v1/items?api_key=ak-3c4d5e6f&access_token=at-8b9c0d1e',
    secret: 'ak-3c4d5e6f',
  },
  {
    name: 'URL fragment (OAuth implicit flow)',
    text: 'https://app.example/cb#access_token=ya29.a0AfH6SMfrag&expires_in=3599',
    secret: 'ya29.a0AfH6SMfrag',
  },
  {
    name: 'OAuth code in a URL',
    text: 'https://app.example/cb?code=4%2F0AX4XfWhcode&state=xyz',
    secret: '4%2F0AX4XfWhcode',
  },
  // URL-only credential parameters (@threadline/redact url-params.ts): a CAS ticket, a SAML
  // response and a pre-signed S3 URL's session token, as text a service might log.
  {
    name: 'CAS ticket in a URL',
    text: 'https://shop.example/login?ticket=ST-1856339-aA5Yuvrxzpv8Tau1cYQ7',
    secret: 'ST-1856339-aA5Yuvrxzpv8Tau1cYQ7',
  },
  {
    name: 'SAML response in a URL',
    text: 'https://sp.example/acs?RelayState=home&SAMLResponse=PHNhbWxwOlJlc3BvbnNlIHhtbG5z',
    secret: 'PHNhbWxwOlJlc3BvbnNlIHhtbG5z',
  },
  {
    name: 'pre-signed S3 URL session token',
    text: 'https://bucket.s3.amazonaws.com/a.pdf?X-Amz-Security-Token=IQoJb3JpZ2luX2VjEJr&X-Amz-Expires=300',
    secret: 'IQoJb3JpZ2luX2VjEJr',
  },
  {
    name: 'Authorization header as text, Basic',
    text: 'Authorization: Basic dXNlcjpwYXNzd29yZA==',
    secret: 'dXNlcjpwYXNzd29yZA==',
  },
  {
    name: 'cookie header as text',
    text: 'Cookie: sid=s-77aa88bb; theme=dark',
    secret: 's-77aa88bb',
    masksRest: true, // a cookie header is masked to the end of its line
  },
  { name: 'session id', text: 'sessionId=sess-0a1b2c3d4e', secret: 'sess-0a1b2c3d4e' },
  { name: 'signing key', text: 'signingKey: sk-1f2e3d4c5b6a', secret: 'sk-1f2e3d4c5b6a' },
  // --- issue 15 item 6: well-known credential formats, by prefix and length
  {
    name: 'GitHub classic token',
    text: `ghp_${'a1B2c3D4e5'.repeat(3)}Zy9X8w`,
    secret: `${'a1B2c3D4e5'.repeat(3)}Zy9X8w`,
  },
  {
    name: 'GitHub fine-grained token',
    text: `github_pat_11ABCDEFG0${'x7Y6z5W4v3'.repeat(7)}Ab`,
    secret: 'x7Y6z5W4v3x7Y6z5W4v3',
  },
  { name: 'GitLab token', text: 'glpat-Ab3De6Gh9Jk2Mn5Pq8St', secret: 'Ab3De6Gh9Jk2Mn5Pq8St' },
  {
    name: 'Slack bot token',
    text: 'xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx',
    secret: 'AbCdEfGhIjKlMnOpQrStUvWx',
  },
  {
    name: 'Slack webhook URL',
    text: 'https://hooks.slack.com/services/T01ABCDEF/B02GHIJKL/aBcDeFgHiJkLmNoPqRsTuVwX',
    secret: 'aBcDeFgHiJkLmNoPqRsTuVwX',
  },
  {
    name: 'Stripe live secret key',
    text: `sk_live_${'4eC39HqLyjWDarjtT1zdp7dc'}`,
    secret: '4eC39HqLyjWDarjtT1zdp7dc',
  },
  {
    name: 'Stripe restricted key',
    text: 'rk_live_51H8aBcDeFgHiJkLmNoPqRsT',
    secret: '51H8aBcDeFgHiJkLmNoPqRsT',
  },
  {
    name: 'Google API key',
    text: 'AIzaSyA1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q',
    secret: 'SyA1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q',
  },
  {
    name: 'npm token',
    text: `npm_${'Ab1Cd2Ef3G'.repeat(3)}h4Ij5K`,
    secret: `${'Ab1Cd2Ef3G'.repeat(3)}h4Ij5K`,
  },
  {
    name: 'OpenAI project key',
    text: 'sk-proj-Ab1Cd2Ef3Gh4Ij5Kl6MnT3BlbkFJOp7Qr8St9Uv0Wx1Yz2Ab',
    secret: 'Ab1Cd2Ef3Gh4Ij5Kl6Mn',
  },
  {
    name: 'Anthropic key',
    text: `sk-ant-api03-${'Zy9Xw8Vu7T'.repeat(9)}AbCdAA`,
    secret: 'Zy9Xw8Vu7TZy9Xw8Vu7T',
  },
  {
    name: 'SendGrid key',
    text: `SG.${'aB3dE6gH9jK2mN5pQ8sT1v'}.${'wX4yZ7aB0cD3eF6gH9iJ2kL5mN8oP1qR4sT7uV0wX3y'}`,
    secret: 'wX4yZ7aB0cD3eF6gH9iJ2kL5mN8oP1qR4sT7uV0wX3y',
  },
  {
    name: 'Hugging Face token',
    text: `hf_${'AbCdEfGhIjKlMnOpQrStUvWxYzAbCdEfGh'}`,
    secret: 'AbCdEfGhIjKlMnOpQrStUvWxYzAbCdEfGh',
  },
  {
    name: 'Shopify access token',
    text: `shpat_${'0123456789abcdef'.repeat(2)}`,
    secret: '0123456789abcdef0123456789abcdef',
  },
  {
    name: 'DigitalOcean token',
    text: `dop_v1_${'0123456789abcdef'.repeat(4)}`,
    secret: '0123456789abcdef'.repeat(4),
  },
  {
    name: 'Databricks token',
    text: `dapi${'fedcba9876543210'.repeat(2)}`,
    secret: 'fedcba9876543210'.repeat(2),
  },
];

/** Values that look a bit like secrets but are not, and must pass unchanged. */
const LOOK_ALIKES: Array<{ name: string; text: string }> = [
  { name: 'trace id', text: '4bf92f3577b34da6a3ce929d0e0e4736' },
  { name: 'all-digit 32-char trace id', text: '41111111111111114111111111111111' },
  { name: 'span id', text: '00f067aa0ba902b7' },
  { name: 'UUID', text: '123e4567-e89b-12d3-a456-426614174000' },
  { name: 'all-digit UUID', text: '42345678-4234-4234-4234-423456789012' },
  { name: 'ISO timestamp', text: '2026-11-23T12:20:31.451Z' },
  { name: 'Unix time in ms', text: '1763900431451' },
  { name: 'Unix time in ns', text: '1763900431451000000' },
  { name: 'amount and order number', text: 'order 42 for 18.50 EUR' },
  { name: 'phone number', text: '+1 415 555 2671' },
  { name: 'URL without credentials', text: 'https://api.example.com/v1/orders?id=42#top' },
  { name: 'e-mail address', text: 'jane@example.com' },
  { name: 'the word bearer', text: 'token type: Bearer' },
  { name: 'event name with "token"', text: 'security.token_revoked' },
  { name: 'public key header', text: '-----BEGIN PUBLIC KEY-----' },
  // issue 15: benign names that contain a sensitive word, and near misses of the formats
  { name: 'password_reset_requested', text: 'password_reset_requested=true' },
  { name: 'token_count', text: 'token_count: 42' },
  { name: 'secretary', text: 'secretary=Jane' },
  { name: 'input tokens', text: 'gen_ai.usage.input_tokens=1234' },
  { name: 'author, keyboard, monkey', text: 'author=jane keyboard=us monkey=1' },
  { name: 'error code in prose', text: 'error code=500' },
  { name: 'the word ticket in prose', text: 'support ticket=4711 closed' },
  { name: 'token type', text: 'token_type=bearer' },
  { name: 'plain URL with a query', text: 'https://shop.example/search?q=shoes&page=2#reviews' },
  { name: 'git SHA', text: 'commit 9fceb02d0ae598e95dc970b74767f19372d61af8' },
  { name: 'short ghp_', text: 'ghp_short' },
  { name: 'sk_ without live/test', text: 'sk_prod_config' },
  { name: 'AIza too short', text: 'AIzaSy-short' },
  { name: 'a word ending in dapi', text: 'dapis' },
  // Issue 15: card-shaped digits failing the Luhn check (order numbers, ids) from a service:
  // the collector cannot check Luhn, so the service door leaves contiguous digits alone.
  { name: 'card-shaped, not Luhn-valid', text: '4111111111111112' },
  { name: 'card-shaped order number', text: 'order 5500000000000005' },
  { name: 'card-shaped, grouped, not Luhn-valid', text: '4111 1111 1111 1112' },
];

let stack: RunningCollector;
let logs: ReceivedLogRecord[];
let documents: BulkDocument[];
let spans: ReceivedSpan[];

const byCase = (records: ReceivedLogRecord[], name: string): ReceivedLogRecord => {
  const record = records.find((r) => r.attributes['test.case'] === name);
  expect(record, `no record for ${name}`).toBeDefined();
  return record!;
};
const esDoc = (name: string): Record<string, any> => {
  const doc = documents.find(
    (d) => (d.document as any).attributes?.['test.case'] === name,
  )?.document;
  expect(doc, `no Elasticsearch document for ${name}`).toBeDefined();
  return doc as Record<string, any>;
};
const text = (value: unknown): string =>
  JSON.stringify(value, (_k, v) =>
    typeof v === 'bigint' ? v.toString() : v instanceof Uint8Array ? [...v] : v,
  );

beforeAll(async () => {
  stack = await startCollector();
  const secretRecord = (s: Secret): LogRecordInput => ({
    body: `payment failed for ${s.text} (order 42)`,
    attributes: { 'test.case': `masked ${s.name}`, 'threadline.note': s.text },
  });
  // Through the browser door: what only it masks, and what it must leave alone all the same.
  const browserRecords: LogRecordInput[] = [
    ...SECRETS.filter((s) => s.browser).map(secretRecord),
    {
      body: 'non-string values',
      attributes: {
        'test.case': 'non-string values',
        'payment.card_number': 4111111111111111n, // an int64 attribute
        'payment.cards': ['5555 5555 5555 4444', 'expired'], // an array attribute
        'http.response.status_code': 402,
      },
    },
    {
      // Threadline's trace-correlation keys are ignored by the processor: a 16-digit span id
      // that happens to be all decimal (about 1 in 2,000) would otherwise be taken for a card.
      body: 'correlated',
      attributes: {
        'test.case': 'correlation keys',
        span_id: '4111111111111111',
        trace_id: '41111111111111114111111111111111',
      },
    },
  ];
  const records: LogRecordInput[] = [
    ...SECRETS.filter((s) => !s.browser).map(secretRecord),
    ...LOOK_ALIKES.map((l) => ({
      body: `ref ${l.text} done`,
      attributes: { 'test.case': `kept ${l.name}`, 'threadline.note': l.text },
    })),
    {
      body: 'sensitive keys',
      attributes: {
        'test.case': 'sensitive keys',
        password: 'hunter2-hunter2',
        'db.password': 'pg-pass-123',
        client_secret: 'cs-abc-123',
        api_key: 'k-9f8e7d6c',
        'x-api-key': 'k-1a2b3c4d',
        access_token: 'at-5e6f7a8b',
        'http.request.header.authorization': ['Basic dXNlcjpwYXNzd29yZA=='],
        'http.request.header.cookie': ['sid=s-77aa88bb'],
        // not sensitive, though the keys contain "token"/"key"
        'gen_ai.usage.input_tokens': 42,
        'threadline.security.key_type': 'user.id',
      },
    },
    {
      // a structured (map) body, as winston/pino objects may arrive
      body: {
        message: 'checkout',
        cardNumber: '4111 1111 1111 1111',
        customer: { id: 'c-42', password: 'hunter2-hunter2' },
        refs: ['123e4567-e89b-12d3-a456-426614174000', JWT],
      },
      attributes: { 'test.case': 'map body' },
    },
    {
      // Issue 15: names that contain a sensitive word without ending in it keep their values.
      body: 'benign keys',
      attributes: {
        'test.case': 'benign keys',
        secretary_name: 'Jane Doe',
        password_reset_requested: 'true',
        token_count: 42,
        author: 'jane',
        keyboard_layout: 'us',
        passenger: 'Bob',
        'gen_ai.usage.output_tokens': 7,
      },
    },
    // LogRecord event_name (issue 15 item 6: the redaction processor does not look at it)
    {
      eventName: 'oauth.callback api_key=ak-ev3nt5ecret',
      body: 'event name with a secret',
      attributes: { 'test.case': 'event_name with a secret' },
    },
    {
      eventName: `token.issued ghp_${'a1B2c3D4e5'.repeat(3)}Zy9X8w`,
      body: 'event name with a token',
      attributes: { 'test.case': 'event_name with a GitHub token' },
    },
    {
      eventName: 'checkout.succeeded',
      body: 'clean event name',
      attributes: { 'test.case': 'clean event_name' },
    },
  ];
  // An ordinary application log and a security event, so both Elasticsearch indices are hit.
  expect(await stack.send('logs', logsRequest({ 'service.name': 'payments' }, records))).toBe(200);
  expect(
    await stack.send(
      'logs',
      logsRequest(
        {
          'service.name': 'accounts',
          'process.command_args': ['node', 'main.js', '--db=postgres://svc:pw-123456@db/x'],
        },
        [
          {
            eventName: 'security.login_failed',
            body: `login failed with ${JWT}`,
            attributes: {
              'test.case': 'security event',
              'event.name': 'security.login_failed',
              'threadline.category': 'security',
              'threadline.security.reason': 'bad_password',
              'user.id': 'u-1001',
              'client.address': '203.0.113.7',
              password: 'typed-wrong-pw',
            },
          },
        ],
      ),
    ),
  ).toBe(200);
  expect(
    await stack.send('traces', {
      resourceSpans: [
        {
          resource: { attributes: keyValues({ 'service.name': 'gateway' }) },
          scopeSpans: [
            {
              scope: { name: 'collector-test' },
              spans: [
                {
                  traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
                  spanId: '00f067aa0ba902b7',
                  name: 'GET /callback?access_token=at-sp4nn4me',
                  kind: 2,
                  startTimeUnixNano: String(BigInt(Date.now() - 5) * 1_000_000n),
                  endTimeUnixNano: String(BigInt(Date.now()) * 1_000_000n),
                  attributes: keyValues({
                    'url.full': 'https://svc:pa55w0rd-x@api.example.com/v1/pay',
                    'http.request.header.authorization': ['Bearer abcdefgh12345678'],
                    'payment.card_number': '4111-1111-1111-1111',
                    'http.route': '/cards/:id',
                  }),
                  events: [
                    {
                      timeUnixNano: String(BigInt(Date.now()) * 1_000_000n),
                      name: 'exception',
                      attributes: keyValues({ 'exception.message': `bad token ${JWT}` }),
                    },
                    {
                      timeUnixNano: String(BigInt(Date.now()) * 1_000_000n),
                      name: 'retry with access_token=at-sp4nev3nt',
                      attributes: keyValues({}),
                    },
                  ],
                },
              ],
            },
          ],
        },
      ],
    }),
  ).toBe(200);

  expect(
    (
      await stack.post(
        'browser',
        '/v1/logs',
        logsRequest({ 'service.name': 'web' }, browserRecords),
      )
    ).status,
  ).toBe(200);

  const expected = records.length + browserRecords.length + 1;
  logs = await stack.loki.waitForLogs(expected, { timeoutMs: 20_000 });
  documents = await stack.elasticsearch.waitForDocuments(
    (docs) =>
      docs.filter((d) => d.index.startsWith('logs-')).length >= expected &&
      docs.some((d) => d.index.startsWith('traces-')),
    { timeoutMs: 20_000 },
  );
  spans = await stack.tempo.waitForSpans(1, { timeoutMs: 20_000 });
}, 60_000);

afterAll(async () => {
  await stack?.close();
});

describe('redaction processor: secrets are masked before any backend sees them', () => {
  it.each(SECRETS)('$name: masked in the body and in attributes (Loki and Elasticsearch)', (s) => {
    const record = byCase(logs, `masked ${s.name}`);
    expect(text(record)).not.toContain(s.secret);
    expect(record.body).toMatch(
      s.masksRest
        ? /^payment failed for \*\*\*\*$/
        : /^payment failed for .*\*\*\*\*.* \(order 42\)$/s,
    );
    expect(record.attributes['threadline.note']).toContain('****');
    // summary: info counts what was masked, without naming keys
    expect(record.attributes['redaction.masked.count']).toBe(1);
    expect(record.attributes['redaction.body.masked.count']).toBe(1);
    expect(record.attributes).not.toHaveProperty('redaction.masked.keys');
    const doc = esDoc(`masked ${s.name}`);
    expect(text(doc)).not.toContain(s.secret);
    expect(doc.body.text).toContain('****');
  });

  it.each(LOOK_ALIKES)('$name: arrives unchanged', (l) => {
    const record = byCase(logs, `kept ${l.name}`);
    expect(record.body).toBe(`ref ${l.text} done`);
    expect(record.attributes['threadline.note']).toBe(l.text);
    expect(Object.keys(record.attributes).filter((k) => k.startsWith('redaction.'))).toEqual([]);
    expect(esDoc(`kept ${l.name}`).body.text).toBe(`ref ${l.text} done`);
  });

  it('masks the values of password/secret/token/api key/authorization/cookie keys', () => {
    const { attributes } = byCase(logs, 'sensitive keys');
    for (const key of [
      'password',
      'db.password',
      'client_secret',
      'api_key',
      'x-api-key',
      'access_token',
      'http.request.header.authorization',
      'http.request.header.cookie',
    ]) {
      expect(attributes[key], key).toBe('****');
    }
    expect(attributes['gen_ai.usage.input_tokens']).toBe(42);
    expect(attributes['threadline.security.key_type']).toBe('user.id');
    expect(attributes['redaction.masked.count']).toBe(8);
  });

  it('browser door: checks non-string attributes too (redact_all_types): an int card number, an array', () => {
    const { attributes } = byCase(logs, 'non-string values');
    // by its key (ends in card_number), whatever the digits
    expect(attributes['payment.card_number']).toBe('****');
    // A matching array or map is replaced by its masked JSON text.
    expect(attributes['payment.cards']).toBe('["****","expired"]');
    expect(attributes['http.response.status_code']).toBe(402);
  });

  it('walks map bodies: values are masked, sensitive keys masked, the rest kept', () => {
    const { body } = byCase(logs, 'map body');
    expect(body).toEqual({
      message: 'checkout',
      cardNumber: '****',
      customer: { id: 'c-42', password: '****' },
      refs: ['123e4567-e89b-12d3-a456-426614174000', '****'],
    });
  });

  it('keys that contain a sensitive word without ending in it keep their values (issue 15)', () => {
    const { attributes } = byCase(logs, 'benign keys');
    expect(attributes).toMatchObject({
      secretary_name: 'Jane Doe',
      password_reset_requested: 'true',
      token_count: 42,
      author: 'jane',
      keyboard_layout: 'us',
      passenger: 'Bob',
      'gen_ai.usage.output_tokens': 7,
    });
    expect(attributes).not.toHaveProperty('redaction.masked.count');
  });

  it('browser door: leaves trace_id/span_id attributes alone, even when they look like card numbers', () => {
    const { attributes } = byCase(logs, 'correlation keys');
    expect(attributes.span_id).toBe('4111111111111111');
    expect(attributes.trace_id).toBe('41111111111111114111111111111111');
  });

  it('security events: body, attributes and resource masked in Loki and the security index; user.id and client.address kept', () => {
    const record = byCase(logs, 'security event');
    expect(text(record)).not.toContain('SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c');
    expect(record.attributes.password).toBe('****');
    expect(record.attributes['user.id']).toBe('u-1001');
    expect(record.attributes['client.address']).toBe('203.0.113.7');
    expect(record.resource['process.command_args']).not.toContain('pw-123456');
    expect(text(record.resource)).not.toContain('pw-123456');
    expect(record.resource['threadline.category']).toBe('security');
    const doc = documents.find((d) => d.index === 'logs-security.otel-default')?.document;
    expect(doc).toBeDefined();
    expect(text(doc)).not.toContain('SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c');
    expect(text(doc)).not.toContain('typed-wrong-pw');
    expect(text(doc)).not.toContain('pw-123456');
  });

  it('spans: attributes and span event attributes masked in Tempo and Elasticsearch', () => {
    const [span] = spans;
    expect(span.attributes['url.full']).toBe('****api.example.com/v1/pay');
    expect(span.attributes['http.request.header.authorization']).toBe('****');
    expect(span.attributes['payment.card_number']).toBe('****');
    expect(span.attributes['http.route']).toBe('/cards/:id');
    expect(span.events[0].attributes['exception.message']).toBe('bad token ****');
    expect(span.traceId).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    const doc = documents.find((d) => d.index.startsWith('traces-'))!.document;
    expect(text(doc)).not.toContain('pa55w0rd-x');
    expect(text(doc)).not.toContain('abcdefgh12345678');
  });

  it('span names and span event names are masked too (issue 15 item 6), clean ones kept', () => {
    const [span] = spans;
    expect(span.name).toBe('GET /callback?****');
    expect(span.events.map((e) => e.name)).toEqual(['exception', 'retry with ****']);
    // The attribute that carried the name through the redaction processor is gone.
    expect(
      Object.keys(span.attributes).filter((k) => k.startsWith('threadline.redaction')),
    ).toEqual([]);
    for (const event of span.events) {
      expect(Object.keys(event.attributes).filter((k) => k.startsWith('threadline.'))).toEqual([]);
    }
    const docs = documents.filter((d) => d.index.startsWith('traces-'));
    expect(text(docs)).not.toContain('at-sp4nn4me');
  });

  it('the LogRecord event_name is masked (issue 15 item 6); a clean one arrives unchanged', () => {
    const secret = byCase(logs, 'event_name with a secret');
    expect(secret.eventName).toBe('oauth.callback ****');
    expect(text(secret)).not.toContain('ak-ev3nt5ecret');
    const github = byCase(logs, 'event_name with a GitHub token');
    expect(github.eventName).toBe('token.issued ****');
    const clean = byCase(logs, 'clean event_name');
    expect(clean.eventName).toBe('checkout.succeeded');
    expect(Object.keys(clean.attributes).filter((k) => k.startsWith('redaction.'))).toEqual([]);
    for (const record of logs) {
      expect(record.attributes).not.toHaveProperty('threadline.redaction.event_name');
    }
    expect(byCase(logs, 'security event').eventName).toBe('security.login_failed');
    const docs = documents.filter((d) => d.index.startsWith('logs-'));
    expect(text(docs)).not.toContain('ak-ev3nt5ecret');
  });
});
