// What a web page pays for the package: bundled for the browser by esbuild, no Node built-ins,
// and a gzipped size under the budget in scripts/bundle.ts (reported in the README).
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { GZIP_BUDGET_BYTES, bundleForBrowser } from '../scripts/bundle.ts';

describe('browser bundle', () => {
  it('bundles for platform browser without any Node built-in, within the gzip budget', async () => {
    const bundle = await bundleForBrowser();
    expect(bundle.builtinImports).toEqual([]);
    expect(bundle.gzipBytes).toBeGreaterThan(1000);
    expect(bundle.gzipBytes, `gzipped bundle is ${bundle.gzipBytes} bytes`).toBeLessThanOrEqual(
      GZIP_BUDGET_BYTES,
    );
    // Only the package's sources, @threadline/redact's rules (its browser-safe entry), the
    // (tree-shaken) semantic-convention constants and @threadline/core's two import-free
    // browser entries (the HTTP method list, the option error): no OpenTelemetry API or SDK,
    // nothing else of core.
    const browserSafeCore = [
      'packages/core/src/http-methods.ts',
      'packages/core/src/config-error.ts',
    ];
    const foreign = bundle.inputs.filter(
      (input) =>
        !input.includes('packages/browser/src/') &&
        !input.includes('packages/redact/src/') &&
        !input.includes('@opentelemetry/semantic-conventions/') &&
        !browserSafeCore.some((file) => input.endsWith(file)),
    );
    expect(bundle.inputs.filter((input) => input.includes('packages/redact/src/'))).not.toEqual([]);
    expect(foreign).toEqual([]);
    expect(bundle.code).toContain('startBrowserTelemetry');
  });

  it('reports what each file costs gzipped, and takes the redaction rules whole', async () => {
    const bundle = await bundleForBrowser();
    const costs = new Map(bundle.gzipCostByInput);
    // Every file with code in the bundle has a cost; cut out one at a time, the costs add up
    // to about the whole (a little more: gzip shares text between files).
    expect([...costs.keys()].sort()).toEqual(
      bundle.bytesByInput
        .filter(([, bytes]) => bytes > 0)
        .map(([input]) => input)
        .sort(),
    );
    const sum = [...costs.values()].reduce((a, b) => a + b, 0);
    expect(sum).toBeGreaterThan(bundle.gzipBytes * 0.9);
    expect(sum).toBeLessThan(bundle.gzipBytes * 1.3);
    // The page hides what the services hide (README, Bundle size): no browser subset of the
    // rules. Each rule module is in the bundle with real weight.
    for (const rules of [
      'sensitive-keys.ts',
      'credential-formats.ts',
      'value-patterns.ts',
      'secret-syntaxes.ts',
      'string-redaction.ts',
      'url-params.ts',
    ]) {
      const cost = [...costs].find(([input]) => input.endsWith(`packages/redact/src/${rules}`));
      expect(cost?.[1], rules).toBeGreaterThan(50);
    }
  });

  it('notices a Node built-in import (the check above can fail)', async () => {
    const bundle = await bundleForBrowser(
      fileURLToPath(new URL('./fixtures/imports-node-builtin.ts', import.meta.url)),
    );
    expect(bundle.builtinImports).toEqual([
      expect.stringMatching(/^node:fs \(from .*imports-node-builtin\.ts\)$/),
    ]);
  });
});
