import { once } from 'node:events';
import { createServer, request } from 'node:http';
import type { IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRedactor } from '@threadline/redact';
import { describe, expect, it } from 'vitest';

const R = '[REDACTED]';
const redactor = createRedactor();

/** Sends one request with `headers` to a local server; returns what the server received. */
async function receivedRequest(
  headers: Record<string, string | string[]>,
): Promise<IncomingMessage> {
  const server = createServer((_req, res) => res.end('ok'));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  try {
    const received = once(server, 'request') as Promise<[IncomingMessage]>;
    const { port } = server.address() as AddressInfo;
    const req = request({ host: '127.0.0.1', port, path: '/orders?token=abc123&page=2', headers });
    req.end();
    const [incoming] = await received;
    const [response] = (await once(req, 'response')) as [IncomingMessage];
    response.resume();
    return incoming;
  } finally {
    server.closeAllConnections();
    server.close();
  }
}

describe('redactHeaders', () => {
  const sent = {
    authorization: 'Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl',
    cookie: 'session=9f8e7d6c; theme=dark',
    'x-api-key': 'k-2f9a8b7c',
    'x-request-id': '4bf92f3577b34da6a3ce929d0e0e4736',
    referer: 'https://shop.example.com/cb?access_token=ya29abc&step=2',
    'user-agent': 'curl/8.5.0',
  };

  it('redacts the headers of a real incoming request', async () => {
    const incoming = await receivedRequest(sent);
    const out = redactor.redactHeaders(incoming.headers);
    expect(out).toMatchObject({
      authorization: `Bearer ${R}`,
      cookie: R,
      'x-api-key': R,
      'x-request-id': '4bf92f3577b34da6a3ce929d0e0e4736',
      referer: `https://shop.example.com/cb?access_token=${R}&step=2`,
      'user-agent': 'curl/8.5.0',
    });
    expect(incoming.headers.authorization).toBe(sent.authorization);
    expect(redactor.redactString(incoming.url ?? '')).toBe(`/orders?token=${R}&page=2`);

    const raw = redactor.redactHeaders(incoming.rawHeaders);
    const pairs = new Map<string, string>();
    for (let i = 0; i < raw.length; i += 2) pairs.set(raw[i].toLowerCase(), raw[i + 1]);
    expect(pairs.get('authorization')).toBe(`Bearer ${R}`);
    expect(pairs.get('cookie')).toBe(R);
    expect(pairs.get('x-request-id')).toBe(sent['x-request-id']);
    expect(incoming.rawHeaders).toContain(sent.authorization);
  });

  it('keeps the number of set-cookie values', () => {
    expect(
      redactor.redactHeaders({ 'set-cookie': ['a=1; Path=/', 'b=2'], 'content-length': 12 }),
    ).toEqual({
      'set-cookie': [R, R],
      'content-length': 12,
    });
  });

  it('returns the same object when no header needs redacting', () => {
    const headers = { accept: 'application/json', 'x-request-id': 'ord_12345' };
    expect(redactor.redactHeaders(headers)).toBe(headers);
  });

  it('turns a fetch Headers with secrets into a redacted record', () => {
    const headers = new Headers({ Authorization: 'Basic dXNlcjpwYXNz', Accept: 'text/plain' });
    expect(redactor.redactHeaders(headers)).toEqual({
      authorization: `Basic ${R}`,
      accept: 'text/plain',
    });
    const clean = new Headers({ Accept: 'text/plain' });
    expect(redactor.redactHeaders(clean)).toBe(clean);
  });
});
