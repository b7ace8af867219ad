import { describe, expect, it } from 'vitest';
import { runRedactBench } from '../bench/redact-bench.ts';

describe('runRedactBench', () => {
  it('returns records per second for every measurement, for the root bench to include', () => {
    const result = runRedactBench({ roundMs: 20, rounds: 1 });
    for (const key of [
      'clean',
      'withSecrets',
      'withVendorCredential',
      'cleanString1KiB',
      'randomText1MiB',
      'base64String1MiB',
      'latin1String1MiB',
      'pinoRedactClean',
      'pinoRedactWithSecrets',
      'jsonStringifyClean',
    ] as const) {
      expect(result[key].recordsPerSecond, key).toBeGreaterThan(0);
      expect(result[key].nsPerRecord, key).toBeGreaterThan(0);
    }
    expect(result.cleanCostRelativeToStringify).toBeGreaterThan(0);
    expect(result.node).toBe(process.version);
  });
});
