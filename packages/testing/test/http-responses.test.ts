import { connect } from 'node:net';
import { gzipSync } from 'node:zlib';
import { startOtlpReceiver, type OtlpReceiver } from '@threadline/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { jsonBody, post } from './support/http.ts';
import { bytesField, stringField, toBytes } from './support/protobuf-writer.ts';
import { decodeRpcStatus } from './support/response-decoding.ts';

const PROTOBUF = 'application/x-protobuf';
const JSON_TYPE = 'application/json';
const INVALID_ARGUMENT = 3;

/** A valid, empty ExportLogsServiceRequest padded with an unknown field to exactly `total` bytes (128..16386). */
function paddedRequest(total: number): Uint8Array {
  const bytes = toBytes(bytesField(15, new Uint8Array(total - 3)));
  expect(bytes.length).toBe(total);
  return bytes;
}

/** Sends raw bytes over TCP and resolves with whatever comes back before the server closes or `ms` pass. */
function rawExchange(port: number, payload: string, ms = 500): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let received = '';
    socket.on('data', (chunk) => (received += chunk.toString()));
    socket.on('error', () => resolve(received));
    socket.on('close', () => resolve(received));
    socket.write(payload);
    setTimeout(() => {
      socket.destroy();
      resolve(received);
    }, ms);
  });
}

describe('OTLP/HTTP responses', () => {
  let receiver: OtlpReceiver;
  beforeAll(async () => {
    receiver = await startOtlpReceiver();
  });
  afterAll(async () => {
    await receiver.close();
  });
  afterEach(() => receiver.reset());

  it('listens on 127.0.0.1 and a random port by default', () => {
    expect(receiver.port).toBeGreaterThan(0);
    expect(receiver.url).toBe(`http://127.0.0.1:${receiver.port}`);
  });

  it('answers 400 with a protobuf google.rpc.Status for undecodable protobuf', async () => {
    const response = await post(
      `${receiver.url}/v1/logs`,
      new Uint8Array([0x0a, 0xff, 0x01, 0x02]),
    );
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toBe(PROTOBUF);
    const status = decodeRpcStatus(response.body);
    expect(status.code).toBe(INVALID_ARGUMENT);
    expect(status.message).toMatch(
      /^cannot decode logs protobuf request: resourceLogs\[0\]: truncated message/,
    );
    expect(receiver.requests()).toMatchObject([{ signal: 'logs', status: 400, itemCount: 0 }]);
    expect(receiver.logs()).toEqual([]);
  });

  it('answers 400 with a JSON Status for bad JSON, and for JSON of the wrong shape', async () => {
    const bad = await post(`${receiver.url}/v1/traces`, '{"resourceSpans": [', {
      contentType: JSON_TYPE,
    });
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toBe(JSON_TYPE);
    expect(jsonBody(bad)).toEqual({
      code: INVALID_ARGUMENT,
      message: expect.stringMatching(/not valid JSON/),
    });

    const wrongShape = await post(
      `${receiver.url}/v1/traces`,
      '{"resourceSpans": [{"scopeSpans": [{"spans": [{"traceId": 12}]}]}]}',
      { contentType: JSON_TYPE },
    );
    expect(wrongShape.status).toBe(400);
    expect(jsonBody(wrongShape)).toMatchObject({
      message: expect.stringContaining('resourceSpans[0].scopeSpans[0].spans[0].traceId'),
    });
  });

  it('answers 400 for a body that claims gzip but is not', async () => {
    const response = await post(`${receiver.url}/v1/logs`, new Uint8Array([1, 2, 3]), {
      headers: { 'content-encoding': 'gzip' },
    });
    expect(response.status).toBe(400);
    expect(decodeRpcStatus(response.body).message).toMatch(/invalid gzip body/);
  });

  it('answers 415 for other content types and encodings', async () => {
    const text = await post(`${receiver.url}/v1/logs`, 'hello', { contentType: 'text/plain' });
    expect(text.status).toBe(415);
    expect(text.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(new TextDecoder().decode(text.body)).toMatch(/unsupported content type "text\/plain"/);

    expect(
      (await post(`${receiver.url}/v1/logs`, new Uint8Array(0), { contentType: '' })).status,
    ).toBe(415);
    expect(
      (
        await post(`${receiver.url}/v1/logs`, new Uint8Array(0), {
          contentType: 'application/protobuf',
        })
      ).status,
    ).toBe(415);

    const brotli = await post(`${receiver.url}/v1/metrics`, new Uint8Array(0), {
      headers: { 'content-encoding': 'br' },
    });
    expect(brotli.status).toBe(415);
    expect(brotli.headers.get('content-type')).toBe(PROTOBUF);
    expect(receiver.requests().map((request) => request.status)).toEqual([415, 415, 415, 415]);
  });

  it('answers 404 for unknown paths and records them as signal "unknown"', async () => {
    const response = await post(`${receiver.url}/v1/log`, new Uint8Array(0));
    expect(response.status).toBe(404);
    expect(decodeRpcStatus(response.body)).toEqual({
      code: 5,
      message: expect.stringContaining('unknown path /v1/log'),
    });
    expect((await post(`${receiver.url}/`, '{}', { contentType: JSON_TYPE })).status).toBe(404);
    expect(receiver.requests()).toMatchObject([
      { signal: 'unknown', path: '/v1/log', status: 404 },
      { signal: 'unknown', path: '/', status: 404 },
    ]);
  });

  it('answers 405 with Allow: POST for other methods', async () => {
    const response = await fetch(`${receiver.url}/v1/logs`, {
      headers: { 'content-type': JSON_TYPE },
    });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('POST');
    expect(await response.json()).toMatchObject({ code: 12 });
    expect(
      (await post(`${receiver.url}/v1/traces`, new Uint8Array(0), { method: 'PUT' })).status,
    ).toBe(405);
  });

  it('answers 200 for an empty export request', async () => {
    const response = await post(`${receiver.url}/v1/logs`, new Uint8Array(0));
    expect(response.status).toBe(200);
    expect(response.body).toHaveLength(0);
    expect(receiver.requests()).toMatchObject([{ status: 200, itemCount: 0, bodyBytes: 0 }]);
  });

  it('survives clients that abort mid-body or speak garbage', async () => {
    const partial = `POST /v1/logs HTTP/1.1\r\nHost: x\r\nContent-Type: ${PROTOBUF}\r\nContent-Length: 1000\r\n\r\nabc`;
    await rawExchange(receiver.port, partial, 100);
    expect(await rawExchange(receiver.port, 'NOT HTTP AT ALL\r\n\r\n')).toMatch(/^HTTP\/1\.1 400/);
    const response = await post(`${receiver.url}/v1/logs`, toBytes(stringField(99, 'still alive')));
    expect(response.status).toBe(200);
  });
});

describe('body size limits', () => {
  const LIMIT = 4096;
  let receiver: OtlpReceiver;
  beforeAll(async () => {
    receiver = await startOtlpReceiver({ maxBodyBytes: LIMIT });
  });
  afterAll(async () => {
    await receiver.close();
  });
  afterEach(() => receiver.reset());

  it('accepts a body of exactly the limit, compressed or not', async () => {
    expect((await post(`${receiver.url}/v1/logs`, paddedRequest(LIMIT))).status).toBe(200);
    expect(
      (await post(`${receiver.url}/v1/logs`, paddedRequest(LIMIT), { gzip: true })).status,
    ).toBe(200);
  });

  it('answers 413 for a body one byte over the limit', async () => {
    const response = await post(`${receiver.url}/v1/logs`, paddedRequest(LIMIT + 1));
    expect(response.status).toBe(413);
    expect(decodeRpcStatus(response.body)).toEqual({
      code: 8,
      message: `body of ${LIMIT + 1} bytes exceeds the limit of ${LIMIT} bytes`,
    });
    expect(receiver.requests()).toMatchObject([{ status: 413, bodyBytes: LIMIT + 1 }]);
  });

  it('answers 413 when a small gzip body inflates past the limit', async () => {
    const response = await post(`${receiver.url}/v1/logs`, paddedRequest(LIMIT + 1), {
      gzip: true,
    });
    expect(response.status).toBe(413);
    expect(decodeRpcStatus(response.body).message).toMatch(/inflates beyond the limit/);
    expect(receiver.requests()[0].bodyBytes).toBeLessThan(LIMIT);
  });
});

describe('gzip bombs', () => {
  it('stops inflating at the default 20 MiB limit', async () => {
    const receiver = await startOtlpReceiver();
    try {
      // 200 MiB of zeros compresses to about 200 KiB: ten times the limit once inflated.
      const bomb = gzipSync(Buffer.alloc(200 * 1024 * 1024), { level: 9 });
      expect(bomb.length).toBeLessThan(512 * 1024);
      const heapBefore = process.memoryUsage().arrayBuffers;
      const started = Date.now();
      const response = await fetch(`${receiver.url}/v1/traces`, {
        method: 'POST',
        headers: { 'content-type': PROTOBUF, 'content-encoding': 'gzip' },
        body: bomb,
      });
      expect(response.status).toBe(413);
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(process.memoryUsage().arrayBuffers - heapBefore).toBeLessThan(100 * 1024 * 1024);
      expect(receiver.requests()).toMatchObject([
        { signal: 'traces', status: 413, bodyBytes: bomb.length },
      ]);
    } finally {
      await receiver.close();
    }
  });
});

describe('receiver options', () => {
  it('rejects invalid options', async () => {
    await expect(startOtlpReceiver({ port: -1 })).rejects.toThrow(RangeError);
    await expect(startOtlpReceiver({ port: 1.5 })).rejects.toThrow(/port must be an integer/);
    await expect(startOtlpReceiver({ maxBodyBytes: 0 })).rejects.toThrow(
      /maxBodyBytes must be a positive integer/,
    );
    await expect(startOtlpReceiver({ host: '' })).rejects.toThrow(TypeError);
  });

  it('reports a port already in use', async () => {
    const first = await startOtlpReceiver();
    try {
      await expect(startOtlpReceiver({ port: first.port })).rejects.toMatchObject({
        code: 'EADDRINUSE',
      });
    } finally {
      await first.close();
    }
  });

  it('can listen on a fixed port', async () => {
    const probe = await startOtlpReceiver();
    const port = probe.port;
    await probe.close();
    const receiver = await startOtlpReceiver({ port });
    try {
      expect(receiver.port).toBe(port);
      expect((await post(`${receiver.url}/v1/logs`, new Uint8Array(0))).status).toBe(200);
    } finally {
      await receiver.close();
    }
  });
});
