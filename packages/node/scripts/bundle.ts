// Bundles the published entry points (`.` and `./register`) from the TypeScript sources into
// dist/bundle/ (`npm run bundle -w packages/node`, part of its `build`; the consumer test and
// `npm run bench:startup` run it before packing; tsc still writes the declarations). Why: the OpenTelemetry SDK and our own packages are ~700 small ES modules, and
// Node resolves (package.json lookups, realpath, stat), reads and compiles each one by one.
// That, not the work start() does, was most of the start-up time a preload added (issue 17
// item 2; measurements in the README, Start-up cost).
//
// Each package loaded only when the configuration asks for it (an instrumentation, an OTLP/HTTP
// exporter: see package-loader.ts) is an entry of its own, code shared between entries goes
// into common chunks, so no class exists twice and nothing unused is loaded. Left outside:
// - `@opentelemetry/api`: a peer dependency, one global copy shared with the app;
// - `import-in-the-middle`'s main entry (the `Hook` registry the instrumentations and the
//   loader's generated modules share: one copy per process) and `hook.mjs` (the off-thread
//   loader Node loads by name); its in-thread loader (`register-hooks.mjs`) is bundled, told
//   where the package is installed (see iitmInThreadLoader);
// - `@opentelemetry/sdk-node` and the gRPC exporters: large, loaded only when asked for.
//
//   node --conditions=@threadline/source packages/node/scripts/bundle.ts [--outdir DIR]
import { readFileSync, rmSync } from 'node:fs';
import { createRequire, isBuiltin } from 'node:module';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { Plugin } from 'esbuild';

import { HTTP_EXPORTER_PACKAGES } from '../src/exporters.ts';
import { INSTRUMENTATION_PACKAGES } from '../src/instrumentations.ts';

const PACKAGE_DIR = fileURLToPath(new URL('..', import.meta.url));
const SRC = fileURLToPath(new URL('../src/', import.meta.url));
const outdirArg = process.argv.indexOf('--outdir');
// Another directory is for tests; it must lie where the externals resolve (under the repo).
const OUT_DIR =
  outdirArg >= 0
    ? resolve(process.argv[outdirArg + 1])
    : fileURLToPath(new URL('../dist/bundle/', import.meta.url));

const EXTERNAL = [
  '@opentelemetry/api',
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

// import-in-the-middle's in-thread loader imports node:fs, util, module and url as ES modules,
// whose facades cost ~10-20 ms and 4 MiB (see builtinsThroughRequire), so it is bundled. It
// finds its runtime (lib/register.js, imported by the modules it generates) from its own
// `import.meta.url`: given the installed package's URL instead, resolved where it runs.
const iitmInThreadLoader: Plugin = {
  name: 'threadline-iitm-in-thread-loader',
  setup(pluginBuild) {
    // The main entry only (an external package name would take its subpaths along).
    pluginBuild.onResolve({ filter: /^import-in-the-middle$/ }, (args) => ({
      path: args.path,
      external: true,
    }));
    pluginBuild.onLoad({ filter: /[\\/]import-in-the-middle[\\/]register-hooks\.mjs$/ }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      const call = 'createHook(import.meta)';
      if (!source.includes(call)) throw new Error(`${args.path} no longer calls ${call}`);
      return {
        contents: source.replace(
          call,
          "createHook({ url: import.meta.resolve('import-in-the-middle/register-hooks.mjs') })",
        ),
        loader: 'js',
      };
    });
  },
};

// Node built-ins through require(), not import. An ES module import of a built-in builds its
// ESM facade, which reads every export once, lazy getters included: importing node:http loads
// all of undici (http's lazy fetch agent), node:fs its streams, node:crypto WebCrypto, and so
// on. That was ~30 ms of CPU per start for built-ins the app never touches. A static import
// becomes a CommonJS module that require()s the built-in, so esbuild reads each property where
// it is used. A dynamic import() (otlp-exporter-base loads http/https at the first export) gets
// an ES module with the built-in as default and its plain data properties by name (no getter
// run): esbuild's import() of a CommonJS chunk would give the default export only.
// Built-ins the app does not load itself and Threadline needs only on some paths: https/tls
// for an https endpoint, zlib for compressed exports, child_process for the synchronous flush
// at process.exit(). Each costs 2-5 MiB of memory once loaded (https with tls: ~5 MiB over
// http), so they are loaded when first used.
const LOADED_WHEN_USED: ReadonlySet<string> = new Set([
  'node:https',
  'node:tls',
  'node:zlib',
  'node:child_process',
]);
const BUILTIN = 'threadline-builtin';
const BUILTIN_ESM = 'threadline-builtin-esm';
const builtinsThroughRequire: Plugin = {
  name: 'threadline-builtins-through-require',
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /^[a-z_:/]+$/ }, (args) => {
      if (!isBuiltin(args.path)) return undefined;
      const name = args.path.startsWith('node:') ? args.path : `node:${args.path}`;
      // The require() in the modules below: left to the banner's require at run time.
      if (args.namespace === BUILTIN || args.namespace === BUILTIN_ESM)
        return { path: name, external: true };
      return { path: name, namespace: args.kind === 'dynamic-import' ? BUILTIN_ESM : BUILTIN };
    });
    pluginBuild.onLoad({ filter: /.*/, namespace: BUILTIN }, (args) => {
      const name = JSON.stringify(args.path);
      if (!LOADED_WHEN_USED.has(args.path))
        return { contents: `module.exports = require(${name});`, loader: 'js' };
      // Its properties as getters that load it: nothing is loaded until one is read.
      const keys = Object.keys(Object.getOwnPropertyDescriptors(buildRequire(args.path)));
      return {
        contents: [
          'let builtin;',
          `const load = () => (builtin ??= require(${name}));`,
          `for (const key of ${JSON.stringify(keys)})`,
          '  Object.defineProperty(exports, key, { get: () => load()[key], enumerable: true });',
        ].join('\n'),
        loader: 'js',
      };
    });
    pluginBuild.onLoad({ filter: /.*/, namespace: BUILTIN_ESM }, (args) => {
      const builtin = buildRequire(args.path) as object;
      const names = Object.entries(Object.getOwnPropertyDescriptors(builtin))
        .filter(([key, descriptor]) => 'value' in descriptor && /^[A-Za-z_$][\w$]*$/.test(key))
        .map(([key]) => key)
        .filter((key) => key !== 'default');
      return {
        contents: [
          `const builtin = require(${JSON.stringify(args.path)});`,
          'export default builtin;',
          ...names.map((key) => `export const ${key} = builtin.${key};`),
        ].join('\n'),
        loader: 'js',
      };
    });
  },
};
const buildRequire = createRequire(import.meta.url);

rmSync(OUT_DIR, { recursive: true, force: true });
const result = await build({
  entryPoints: {
    index: `${SRC}index.ts`,
    register: `${SRC}register.ts`,
    ...Object.fromEntries(lazyPackages.map((name) => [lazyEntryName(name), LAZY_PREFIX + name])),
  },
  outdir: OUT_DIR,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node22.15',
  // Our workspace packages from their sources, as the tests run them.
  conditions: ['@threadline/source'],
  // Files the bundled CommonJS dependencies require() (e.g. semver) resolve from here.
  banner: {
    js: "const require = process.getBuiltinModule('node:module').createRequire(import.meta.url);",
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
  plugins: [lazyEntries, dedupeSameVersion, builtinsThroughRequire, iitmInThreadLoader],
  // No source maps: the output is not minified, so stack traces stay readable without them.
  metafile: true,
  logLevel: 'warning',
});

// package-loader.ts finds the lazy entries relative to its own file: it must be in a chunk at
// the top of the bundle directory, not in one of the lazy/ entries.
const loaderOutputs = Object.entries(result.metafile.outputs)
  .filter(([, output]) =>
    Object.keys(output.inputs).some((input) => input.endsWith('src/package-loader.ts')),
  )
  .map(([file]) => file);
if (loaderOutputs.length !== 1 || loaderOutputs[0].includes('/lazy/')) {
  throw new Error(
    `package-loader.ts must be bundled once at the top of dist/bundle, found in: ${loaderOutputs.join(', ') || 'no output'}`,
  );
}
if (process.env.THREADLINE_BUNDLE_META) {
  const { writeFileSync } = await import('node:fs');
  writeFileSync(process.env.THREADLINE_BUNDLE_META, JSON.stringify(result.metafile));
}
const files = Object.keys(result.metafile.outputs).filter((file) => file.endsWith('.js'));
console.log(`@threadline/node: bundled into ${files.length} files in ${OUT_DIR}`);
