import { describe, expect, it } from 'vitest';
import { start, ThreadlineConfigError } from '@threadline/node';

describe('start()', () => {
  it('rejects invalid options with a clear error before touching the process', () => {
    const listeners = process.listenerCount('SIGTERM');
    expect(() => start({ endpoint: 'localhost:4318' })).toThrowError(ThreadlineConfigError);
    expect(() => start({ endpoint: 'localhost:4318' })).toThrowError(
      /@threadline\/node: option "endpoint" must be an http: or https: URL, got "localhost:4318"/,
    );
    expect(process.listenerCount('SIGTERM')).toBe(listeners);
  });

  it('returns a no-op handle when disabled', async () => {
    const handle = start({ disabled: true });
    expect(handle.enabled).toBe(false);
    await expect(handle.shutdown()).resolves.toBeUndefined();
  });
});
