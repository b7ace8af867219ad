// Bundles the published entry points (`.` and `./register`) into dist/bundle/ after `tsc --build`
// (`npm run build -w packages/node`; the consumer test and `npm run bench:startup` run it before
// packing). Why: the OpenTelemetry SDK and our own packages are ~700 small ES modules, and
// Node resolves (package.json lookups, realpath, stat), reads and compiles each one by one.
// That, not the work start() does, was most of the start-up time a preload added (issue 17
// item 2; measurements in the README, Start-up cost).
//
// Each package loaded only when the configuration asks for it (an instrumentation, an OTLP/HTTP
// exporter: see package-loader.ts) is an entry of its own, code shared between entries goes
// into common chunks, so no class exists twice and nothing unused is loaded. Left outside:
// - `@opentelemetry/api`: a peer dependency, one global copy shared with the app;
// - `import-in-the-middle` and `require-in-the-middle`: they load their own files by path and
//   keep the module hooks' state, which must be one copy per process;
// - `@opentelemetry/sdk-node` and the gRPC exporters: large, loaded only when asked for.
//
//   node packages/node/scripts/bundle.ts
import { readFileSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { Plugin } from 'esbuild';

const PACKAGE_DIR = fileURLToPath(new URL('..', import.meta.url));
const DIST = fileURLToPath(new URL('../dist/', import.meta.url));
const OUT_DIR = fileURLToPath(new URL('../dist/bundle/', import.meta.url));

// The lists live beside the code that loads them (one home); tsc's output has them.
const { INSTRUMENTATION_PACKAGES } = (await import(
  new URL('../dist/instrumentations.js', import.meta.url).href
)) as { INSTRUMENTATION_PACKAGES: readonly string[] };
const { HTTP_EXPORTER_PACKAGES } = (await import(
  new URL('../dist/exporters.js', import.meta.url).href
)) as { HTTP_EXPORTER_PACKAGES: readonly string[] };

const EXTERNAL = [
  '@opentelemetry/api',
  'import-in-the-middle',
  'import-in-the-middle/*',
  'require-in-the-middle',
  '@opentelemetry/sdk-node',
  '@opentelemetry/exporter-*-otlp-grpc',
];

// `lazy/<package>.js`, e.g. lazy/opentelemetry-instrumentation-http.js.
function lazyEntryName(packageName: string): string {
  return `lazy/${packageName.replace(/^@/, '').replaceAll('/', '-')}`;
}

const lazyPackages = [...INSTRUMENTATION_PACKAGES, ...HTTP_EXPORTER_PACKAGES];
const LAZY_PREFIX = 'threadline-lazy:';
// An entry point that is a package by name, resolved from this package as an import would be.
const lazyEntries: Plugin = {
  name: 'threadline-lazy-entries',
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /^threadline-lazy:/ }, (args) => ({
      path: args.path.slice(LAZY_PREFIX.length),
      namespace: 'threadline-lazy',
    }));
    pluginBuild.onLoad({ filter: /.*/, namespace: 'threadline-lazy' }, (args) => ({
      contents: `export * from ${JSON.stringify(args.path)};`,
      resolveDir: PACKAGE_DIR,
      loader: 'js',
    }));
  },
};

// npm nests a dependency under each package whose range the hoisted copy does not satisfy: the
// contrib instrumentations each get their own identical @opentelemetry/instrumentation@0.300.x.
// Bundled as found, each instrumentation would carry its own copy; one copy per name and
// version is what a flat install gives the app, and what the bundle keeps.
const NESTED_PACKAGE = /^(.*\/node_modules\/(?:@[^/]+\/)?[^/]+)\/(.*)$/;
const dedupeSameVersion: Plugin = {
  name: 'threadline-dedupe-same-version',
  setup(pluginBuild) {
    const rootByVersion = new Map<string, string>();
    pluginBuild.onResolve({ filter: /^[^./]/ }, async (args) => {
      if (args.pluginData === DEDUPE_PASS || args.path.startsWith('node:')) return undefined;
      const resolved = await pluginBuild.resolve(args.path, {
        importer: args.importer,
        namespace: args.namespace,
        resolveDir: args.resolveDir,
        kind: args.kind,
        pluginData: DEDUPE_PASS,
      });
      const match = NESTED_PACKAGE.exec(resolved.path);
      if (resolved.errors.length > 0 || resolved.external || match === null) return resolved;
      const [, root, rest] = match;
      const { name, version } = JSON.parse(readFileSync(`${root}/package.json`, 'utf8')) as {
        name: string;
        version: string;
      };
      const key = `${name}@${version}`;
      const first = rootByVersion.get(key) ?? root;
      rootByVersion.set(key, first);
      return { ...resolved, path: `${first}/${rest}` };
    });
  },
};
const DEDUPE_PASS = Symbol('dedupe pass');

rmSync(OUT_DIR, { recursive: true, force: true });
const result = await build({
  entryPoints: {
    index: `${DIST}index.js`,
    register: `${DIST}register.js`,
    ...Object.fromEntries(lazyPackages.map((name) => [lazyEntryName(name), LAZY_PREFIX + name])),
  },
  outdir: OUT_DIR,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node22.15',
  // Files the bundled CommonJS dependencies require() (e.g. semver) resolve from here.
  banner: {
    js: "import { createRequire as __threadlineCreateRequire } from 'node:module'; const require = __threadlineCreateRequire(import.meta.url);",
  },
  chunkNames: 'chunk-[hash]',
  define: {
    // A string literal (the JSON text), which esbuild inlines where it is read.
    THREADLINE_BUNDLED_PACKAGES: JSON.stringify(
      JSON.stringify(
        Object.fromEntries(lazyPackages.map((name) => [name, `./${lazyEntryName(name)}.js`])),
      ),
    ),
  },
  external: EXTERNAL,
  plugins: [lazyEntries, dedupeSameVersion],
  // No source maps: the output is not minified, so stack traces stay readable without them.
  metafile: true,
  logLevel: 'warning',
});

// package-loader.ts finds the lazy entries relative to its own file: it must be in a chunk at
// the top of the bundle directory, not in one of the lazy/ entries.
const loaderOutputs = Object.entries(result.metafile.outputs)
  .filter(([, output]) =>
    Object.keys(output.inputs).some((input) => input.endsWith('dist/package-loader.js')),
  )
  .map(([file]) => file);
if (loaderOutputs.length !== 1 || loaderOutputs[0].includes('/lazy/')) {
  throw new Error(
    `package-loader.js must be bundled once at the top of dist/bundle, found in: ${loaderOutputs.join(', ') || 'no output'}`,
  );
}
if (process.env.THREADLINE_BUNDLE_META) {
  const { writeFileSync } = await import('node:fs');
  writeFileSync(process.env.THREADLINE_BUNDLE_META, JSON.stringify(result.metafile));
}
const files = Object.keys(result.metafile.outputs).filter((file) => file.endsWith('.js'));
console.log(`@threadline/node: bundled into ${files.length} files in dist/bundle`);
