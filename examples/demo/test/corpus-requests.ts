// Requests that carry a corpus sample (a secret or a secret look-alike) through the example
// services the way real clients leak them: in free text, nested objects, arrays, a query
// string, headers and a login form.
import type { LookAlikeSample, SecretSample } from '@threadline/redact/test-corpus';
import { APPROVED } from '../src/scenarios.ts';

export type CorpusSample = SecretSample | LookAlikeSample;

/** The gateway's answer and the trace it started (from its `traceresponse` header). */
export interface Sent {
  readonly status: number;
  readonly traceId: string;
}

const TRACE_RESPONSE = /^00-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}$/;

export function isSecret(sample: CorpusSample): sample is SecretSample {
  return 'fragments' in sample;
}

/** A field a client sends under the secret's own key (`password`, `x-api-key`, …), if it has one. */
function keyed(sample: CorpusSample): Record<string, string> {
  return isSecret(sample) && sample.field ? { [sample.field.key]: sample.field.value } : {};
}

/**
 * Request headers carrying the sample. Secrets go where clients put credentials
 * (`authorization` with its scheme, `cookie`, `x-api-key`, or the corpus's own header);
 * look-alikes go in an ordinary header (a correlation id), since a look-alike under a
 * credential header is rightly masked. HTTP has no multi-line header values, so a PEM key
 * is not sent as a header.
 */
export function corpusHeaders(sample: CorpusSample): Record<string, string> {
  if (!isSecret(sample)) return { 'x-correlation-id': sample.value };
  if (sample.secret.includes('\n')) return {};
  const headers: Record<string, string> = {
    cookie: `session=${sample.secret}; theme=dark`,
    'x-api-key': sample.secret,
  };
  if (sample.kind === 'jwt' || sample.kind === 'bearerToken')
    headers.authorization = `Bearer ${sample.secret}`;
  if (sample.kind === 'basicCredentials') headers.authorization = `Basic ${sample.secret}`;
  if (sample.kind === 'header' && sample.field) headers[sample.field.key] = sample.field.value;
  return headers;
}

/**
 * `POST /orders?ref=…` with the sample in the query string (a referral code, passed on by the
 * gateway to orders), the courier note (logged as a message and set as a span attribute), the
 * coupon code (an unknown one: an Error naming it), the customer object (logged as nested
 * metadata, with an array of preferences) and the payment details (logged by payments, its
 * reference set as a span attribute).
 */
export async function placeCorpusOrder(gatewayUrl: string, sample: CorpusSample): Promise<Sent> {
  // A secret inside its sentence, a look-alike inside one of its own, as typed by a client.
  const { text } = sample;
  const query = new URLSearchParams({ ref: text, ...keyed(sample) });
  const body = {
    ...APPROVED.order,
    note: text,
    coupon: text,
    customer: {
      name: 'Ada Lovelace',
      email: 'ada@example.com',
      profile: { remarks: text },
      preferences: ['no onions', text],
      ...keyed(sample),
    },
    paymentDetails: { holder: 'Ada Lovelace', reference: text, ...keyed(sample) },
  };
  // encodeURIComponent rather than URLSearchParams' form encoding: %20 for spaces, as fetch
  // and browsers send in a URL.
  const search = [...query].map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`);
  return send(new URL(`/orders?${search.join('&')}`, gatewayUrl), {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...corpusHeaders(sample) },
    body: JSON.stringify(body),
  });
}

/**
 * `POST /login` with the sample typed into the user name (people type passwords there) and a
 * password: the sample's secret value for secrets.
 */
export async function attemptCorpusLogin(gatewayUrl: string, sample: CorpusSample): Promise<Sent> {
  const credentials = isSecret(sample)
    ? { username: sample.text, password: sample.field?.value ?? sample.secret }
    : { username: sample.value, password: 'not-the-password' };
  return send(new URL('/login', gatewayUrl), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(credentials),
  });
}

async function send(url: URL, init: RequestInit): Promise<Sent> {
  const response = await fetch(url, { ...init, signal: AbortSignal.timeout(10_000) });
  await response.arrayBuffer();
  const traceId = TRACE_RESPONSE.exec(response.headers.get('traceresponse') ?? '')?.[1];
  if (traceId === undefined) throw new Error(`${url.pathname}: no traceresponse header`);
  return { status: response.status, traceId };
}

/** Runs `task` over `items`, at most `limit` at a time, results in input order. */
export async function mapConcurrently<T, R>(
  items: readonly T[],
  limit: number,
  task: (item: T) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
