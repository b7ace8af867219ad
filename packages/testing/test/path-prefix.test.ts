import { startOtlpReceiver } from '@threadline/testing';
import { describe, expect, it } from 'vitest';
import { post } from './support/http.ts';

describe('pathPrefix: standing in for backends that serve OTLP under a prefix', () => {
  it('accepts /otlp/v1/logs like Loki, and 404s the unprefixed path', async () => {
    const receiver = await startOtlpReceiver({ pathPrefix: '/otlp' });
    try {
      const prefixed = await post(`${receiver.url}/otlp/v1/logs`, new Uint8Array(0), {
        headers: { authorization: 'Bearer s3cret', 'x-scope-orgid': 'tenant-a' },
      });
      expect(prefixed.status).toBe(200);
      expect((await post(`${receiver.url}/v1/logs`, new Uint8Array(0))).status).toBe(404);
      expect(receiver.requests()).toMatchObject([
        { signal: 'logs', path: '/otlp/v1/logs', status: 200 },
        { signal: 'unknown', path: '/v1/logs', status: 404 },
      ]);
      // Headers are kept so tests can check what a client sent (auth, tenant).
      expect(receiver.requests()[0].headers).toMatchObject({
        authorization: 'Bearer s3cret',
        'x-scope-orgid': 'tenant-a',
      });
    } finally {
      await receiver.close();
    }
  });

  it('rejects a malformed prefix at start-up', async () => {
    await expect(startOtlpReceiver({ pathPrefix: 'otlp' })).rejects.toThrow(/pathPrefix/);
    await expect(startOtlpReceiver({ pathPrefix: '/otlp/' })).rejects.toThrow(/pathPrefix/);
  });
});
