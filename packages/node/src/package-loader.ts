// Loads a package the configuration asks for (an instrumentation, an OTLP exporter) only when
// it is asked for, synchronously, so `--require` works as well as `--import`.
//
// The published entry points are bundles (scripts/bundle.ts): the SDK packages are hundreds of
// small ES modules, and resolving, reading and compiling each file one by one was most of
// Threadline's start-up time. Each lazily loaded package is a bundle entry of its own, sharing
// chunks with the rest, so loading it costs a file or two and never a second copy of
// `@opentelemetry/core` or the SDK. The bundler tells this module where those entries are; run
// from the sources or from tsc's output, packages resolve as any import would.
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

// Replaced by the bundler (esbuild `define`) with the JSON text of package name → entry file,
// relative to the bundle's directory. Not defined outside the bundle.
declare const THREADLINE_BUNDLED_PACKAGES: string | undefined;

const BUNDLED: Readonly<Record<string, string>> =
  typeof THREADLINE_BUNDLED_PACKAGES === 'undefined' ? {} : JSON.parse(THREADLINE_BUNDLED_PACKAGES);

const ownRequire = createRequire(import.meta.url);

/**
 * The ES module exports of `packageName`: its bundled entry when the bundle holds one, else the
 * package as `import` would resolve it (its ESM build, so no class is loaded twice), loaded
 * with `require()` of ES modules.
 */
export function loadPackage(packageName: string): Record<string, unknown> {
  const file = Object.hasOwn(BUNDLED, packageName) ? BUNDLED[packageName] : undefined;
  const url =
    file === undefined ? import.meta.resolve(packageName) : new URL(file, import.meta.url);
  return ownRequire(fileURLToPath(url)) as Record<string, unknown>;
}
