// The service door over TLS (OTLP_TLS_ENABLED=true with OTLP_TLS_CERT_FILE/_KEY_FILE), against
// the REAL collector binary; Loki, Tempo and Elasticsearch are wire stand-ins. A token sent in
// clear can be read off the network, so the door must be switchable to TLS without editing
// the config: with it on, HTTPS with the token is accepted, plain HTTP is not, and the token
// is still required. The certificate is a throw-away one made by openssl for 127.0.0.1.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUTH_TOKEN, logsRequest, startCollector } from './collector-harness.ts';
import type { RunningCollector } from './collector-harness.ts';

let stack: RunningCollector;
let dir: string;
let ca: Buffer;

function makeCertificate(): { cert: string; key: string } {
  const cert = join(dir, 'cert.pem');
  const key = join(dir, 'key.pem');
  const result = spawnSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
      '-keyout',
      key,
      '-out',
      cert,
    ],
    { encoding: 'utf8', timeout: 30_000 },
  );
  if (result.error || result.status !== 0) {
    throw new Error(
      `openssl failed (apt-get install -y openssl): ${result.error ?? result.stderr}`,
    );
  }
  return { cert, key };
}

/** POSTs over HTTPS, trusting only the test certificate. */
function httpsPost(url: string, body: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers, ca }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(body);
  });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'otelcol-tls-'));
  const { cert, key } = makeCertificate();
  ca = readFileSync(cert);
  stack = await startCollector({
    OTLP_TLS_ENABLED: 'true',
    OTLP_TLS_CERT_FILE: cert,
    OTLP_TLS_KEY_FILE: key,
  });
}, 60_000);

afterAll(async () => {
  await stack?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('service door with OTLP_TLS_ENABLED=true', () => {
  const body = (marker: string) =>
    JSON.stringify(
      logsRequest({ 'service.name': 'orders' }, [
        { body: marker, attributes: { 'test.case': marker } },
      ]),
    );
  const https = (base: string) => base.replace(/^http:/, 'https:');

  it('accepts HTTPS with the token, refuses HTTPS without it', async () => {
    const url = `${https(stack.otlpEndpoint)}/v1/logs`;
    expect(
      await httpsPost(url, body('over tls'), {
        'content-type': 'application/json',
        authorization: `Bearer ${AUTH_TOKEN}`,
      }),
    ).toBe(200);
    expect(
      await httpsPost(url, body('tls without token'), { 'content-type': 'application/json' }),
    ).toBe(401);
    const records = await stack.loki.waitForLogs(
      (all) => all.some((r) => r.attributes['test.case'] === 'over tls'),
      { timeoutMs: 20_000 },
    );
    expect(records.some((r) => r.attributes['test.case'] === 'tls without token')).toBe(false);
  });

  it('plain HTTP gets no OTLP answer (the token would have crossed the network in clear)', async () => {
    const answer = await fetch(`${stack.otlpEndpoint}/v1/logs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${AUTH_TOKEN}` },
      body: body('plain http'),
    }).then(
      (response) => response.status,
      () => 'connection failed',
    );
    // Go's TLS server answers a plain HTTP request with 400 "client sent an HTTP request to
    // an HTTPS server", or the connection fails; either way nothing is accepted.
    expect(answer === 400 || answer === 'connection failed', String(answer)).toBe(true);
  });

  it('the browser door is on TLS too (same certificate)', async () => {
    const status = await httpsPost(
      `${https(stack.browserOtlpEndpoint)}/v1/logs`,
      body('browser over tls'),
      { 'content-type': 'application/json' },
    );
    expect(status).toBe(200);
  });
});
