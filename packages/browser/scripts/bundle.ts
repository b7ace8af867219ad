// Bundles the package the way a web app's bundler would (esbuild, platform browser, minified)
// to measure what it costs a page, and to prove it needs no Node built-in.
import { builtinModules } from 'node:module';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build, type Plugin } from 'esbuild';

/**
 * Gzipped size the bundle must stay under; `npm run size -w packages/browser` reports it, file
 * by file. Issue 15 asked for 12 KiB in total with redaction. Measured (README, Bundle size):
 * this package's own code costs 8.1 KiB gzipped and `@threadline/redact/rules` 10.3 KiB, of
 * which a page runs every byte; writing the rules more compactly saves next to nothing under
 * gzip (class shorthands and one-string rows for the 100 credential formats: 85 B; word lists
 * as split strings: 33 B), so 12 KiB would mean dropping most of the rules and letting through
 * secrets that the services catch (acceptance 2, the Chromium corpus test, would fail).
 * Secrets never leaving wins over the byte budget: this guards the measured 19.6 KiB against
 * growth, with 0.4 KiB of room (a new rule costs 20-100 B; more is a decision to make here).
 */
export const GZIP_BUDGET_BYTES = 20 * 1024;

const ENTRY = fileURLToPath(new URL('../src/index.ts', import.meta.url));
const BUILTINS = new Set(builtinModules.flatMap((name) => [name, `node:${name}`]));

export interface BrowserBundle {
  code: string;
  minifiedBytes: number;
  gzipBytes: number;
  /** Node built-ins something tried to import (must be empty). */
  builtinImports: string[];
  /** Input files in the bundle, relative to the working directory. */
  inputs: string[];
  /** Minified bytes each input file contributes, largest first (what to look at to shrink). */
  bytesByInput: [input: string, bytes: number][];
  /**
   * Gzipped bytes each input file costs, largest first: the bundle's gzip size minus the gzip
   * size of the bundle with that file's code cut out. Minified bytes mislead here: gzip takes
   * repeated text (regex classes, word lists) almost for free and random text (prefixes,
   * alphabets) at full price.
   */
  gzipCostByInput: [input: string, bytes: number][];
}

/** Bundles `src/index.ts` (or `entry`) for browsers: ESM, minified, tree-shaken. */
export async function bundleForBrowser(entry = ENTRY): Promise<BrowserBundle> {
  const builtinImports: string[] = [];
  // Record, then fail the build: esbuild alone would only say "could not resolve".
  const noBuiltins: Plugin = {
    name: 'no-node-builtins',
    setup(pluginBuild) {
      pluginBuild.onResolve({ filter: /.*/ }, (args) => {
        if (!BUILTINS.has(args.path)) return undefined;
        builtinImports.push(`${args.path} (from ${args.importer})`);
        return { path: args.path, external: true };
      });
    },
  };
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    minify: true,
    write: false,
    metafile: true,
    conditions: ['@threadline/source'],
    plugins: [noBuiltins],
    logLevel: 'silent',
  });
  const code = result.outputFiles[0].text;
  const gzipBytes = gzipSize(code);
  // esbuild writes the inputs in the order the metafile lists them, each as one run of text.
  const emitted = Object.values(result.metafile.outputs).flatMap((output) =>
    Object.entries(output.inputs),
  );
  const gzipCostByInput: [string, number][] = [];
  let offset = 0;
  for (const [input, { bytesInOutput }] of emitted) {
    const without = code.slice(0, offset) + code.slice(offset + bytesInOutput);
    if (bytesInOutput > 0) gzipCostByInput.push([input, gzipBytes - gzipSize(without)]);
    offset += bytesInOutput;
  }
  return {
    code,
    minifiedBytes: Buffer.byteLength(code),
    gzipBytes,
    builtinImports,
    inputs: Object.keys(result.metafile.inputs),
    bytesByInput: Object.values(result.metafile.outputs)
      .flatMap((output) => Object.entries(output.inputs))
      .map(([input, { bytesInOutput }]): [string, number] => [input, bytesInOutput])
      .sort((a, b) => b[1] - a[1]),
    gzipCostByInput: gzipCostByInput.sort((a, b) => b[1] - a[1]),
  };
}

function gzipSize(text: string): number {
  return gzipSync(text, { level: 9 }).length;
}
