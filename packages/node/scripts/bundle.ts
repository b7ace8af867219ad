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
// - `@opentelemetry/api` when the installed version differs from the bundled one (see
//   apiAsInstalled);
// - `import-in-the-middle`'s main entry (the `Hook` registry the instrumentations and the
//   loader's generated modules share: one copy per process) and `hook.mjs` (the off-thread
//   loader Node loads by name); its in-thread loader (`register-hooks.mjs`) is bundled, told
//   where the package is installed (see iitmInThreadLoader);
// - `@opentelemetry/sdk-node` and the gRPC exporters: large, loaded only when asked for.
//
//   node --conditions=@threadline/source packages/node/scripts/bundle.ts [--outdir DIR]
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire, isBuiltin } from 'node:module';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
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

const EXTERNAL = ['@opentelemetry/sdk-node', '@opentelemetry/exporter-*-otlp-grpc'];

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
// contrib instrumentations each get their own @opentelemetry/instrumentation@0.300.0 beside our
// 0.301.0, although the two ship byte-identical code with the same dependency ranges. Bundled
// as found, each copy would be loaded, and each copy patches require() once more for every
// module the app loads. Copies of a package with the same code (every file but package.json)
// and the same dependency ranges are one copy in the bundle, whatever their version numbers.
const NESTED_PACKAGE = /^(.*\/node_modules\/(?:@[^/]+\/)?[^/]+)\/(.*)$/;

function filesUnder(dir: string, prefix = ''): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (entry.name === 'node_modules') return [];
    const path = `${prefix}${entry.name}`;
    return entry.isDirectory() ? filesUnder(join(dir, entry.name), `${path}/`) : [path];
  });
}

/** Name, dependency ranges and a hash of every file but package.json: equal means same code. */
function packageIdentity(root: string): string {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as Record<
    string,
    unknown
  >;
  const hash = createHash('sha256');
  hash.update(
    JSON.stringify([pkg.name, pkg.dependencies, pkg.peerDependencies, pkg.optionalDependencies]),
  );
  for (const file of filesUnder(root).sort()) {
    if (file === 'package.json') continue;
    hash.update(`\0${file}\0`).update(readFileSync(join(root, file)));
  }
  return hash.digest('hex');
}

const dedupeSameCode: Plugin = {
  name: 'threadline-dedupe-same-code',
  setup(pluginBuild) {
    const identityOf = new Map<string, string>();
    const rootByIdentity = new Map<string, string>();
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
      let identity = identityOf.get(root);
      if (identity === undefined) {
        identity = packageIdentity(root);
        identityOf.set(root, identity);
      }
      const first = rootByIdentity.get(identity) ?? root;
      rootByIdentity.set(identity, first);
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

// @opentelemetry/api is ~50 small ES modules: loading them cost ~20 ms of CPU and ~9 MiB of
// memory in an app that does not import the API itself (measured: one bundled file, ~1 MiB).
// Copies of the API share their state through a versioned global, and a copy only accepts
// a global of its own minor version or newer, so a bundled copy older than the app's would
// turn the app's own API calls into no-ops. So the bundle carries the API and uses it only
// when the installed @opentelemetry/api (the app's, the peer dependency) is the very same
// version; otherwise it loads the installed one, as before.
const API = '@opentelemetry/api';
const API_NAMESPACE = 'threadline-api';
const apiAsInstalled: Plugin = {
  name: 'threadline-api-as-installed',
  setup(pluginBuild) {
    const entry = buildRequire.resolve(API).replace(/index\.cjs$/, 'index.mjs');
    pluginBuild.onResolve({ filter: /^@opentelemetry\/api$/ }, (args) =>
      args.namespace === API_NAMESPACE ? undefined : { path: API, namespace: API_NAMESPACE },
    );
    pluginBuild.onLoad({ filter: /.*/, namespace: API_NAMESPACE }, async () => {
      const { version } = JSON.parse(
        readFileSync(join(entry, '..', '..', 'package.json'), 'utf8'),
      ) as { version: string };
      const names = Object.keys((await import(pathToFileURL(entry).href)) as object).filter(
        (name) => name !== 'default',
      );
      return {
        contents: [
          `import * as bundled from ${JSON.stringify(entry)};`,
          `const BUNDLED_VERSION = ${JSON.stringify(version)};`,
          "const { readFileSync } = process.getBuiltinModule('node:fs');",
          "const { dirname, join } = process.getBuiltinModule('node:path');",
          "const { fileURLToPath } = process.getBuiltinModule('node:url');",
          'function installedVersion(file) {',
          '  for (let dir = dirname(file); dirname(dir) !== dir; dir = dirname(dir)) {',
          '    try {',
          "      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));",
          `      if (pkg.name === ${JSON.stringify(API)}) return pkg.version;`,
          '    } catch {}',
          '  }',
          '}',
          'let api = bundled;',
          'try {',
          `  const file = fileURLToPath(import.meta.resolve(${JSON.stringify(API)}));`,
          '  if (installedVersion(file) !== BUNDLED_VERSION) api = require(file);',
          '} catch {',
          '  // Not installed (it is a peer dependency): the bundled copy is the only one.',
          '}',
          'export default api.default;',
          ...names.map((name) => `export const ${name} = api.${name};`),
        ].join('\n'),
        resolveDir: PACKAGE_DIR,
        loader: 'js',
      };
    });
  },
};

rmSync(OUT_DIR, { recursive: true, force: true });
const result = await build({
  entryPoints: {
    index: `${SRC}index.ts`,
    'register-main': `${SRC}register.ts`,
    ...Object.fromEntries(lazyPackages.map((name) => [lazyEntryName(name), LAZY_PREFIX + name])),
  },
  outdir: OUT_DIR,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node22.15',
  charset: 'ascii',
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
  plugins: [
    lazyEntries,
    apiAsInstalled,
    dedupeSameCode,
    builtinsThroughRequire,
    iitmInThreadLoader,
  ],
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
// esbuild writes ASCII (`charset`) but keeps some comments as they are (inside call arguments,
// JSDoc in classes), and one non-ASCII character anywhere in a file makes V8 hold the whole
// source text as UTF-16: twice the memory (a 342 KB chunk held 684 KB). With code escaped,
// what is left outside ASCII is comment text, written out as \u escapes.
const NON_ASCII = /[\u0080-\uffff]/g;
for (const file of Object.keys(result.metafile.outputs)) {
  if (!file.endsWith('.js')) continue;
  const path = resolve(file);
  const text = readFileSync(path, 'utf8');
  const ascii = text.replace(
    NON_ASCII,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  if (ascii !== text) writeFileSync(path, ascii);
}

// The `./register` entries: Node's on-disk compile cache first (V8 code cache, so the bundle and
// the app's modules are not compiled from scratch on every start: −0.04 s of CPU in the bench),
// then the bundle, which must come after so its own modules are cached too. enableCompileCache
// takes NODE_COMPILE_CACHE as its directory (else <os.tmpdir()>/node-compile-cache), does
// nothing under NODE_DISABLE_COMPILE_CACHE=1 and never throws. --import gets an ES module that
// imports the bundle (no require() of an ES module: on Node < 22.22.3 the ESM loader hook cannot
// be installed inside one); --require (the "require" condition) one that require()s it.
const ENABLE_CACHE = "process.getBuiltinModule('node:module').enableCompileCache?.();";
writeFileSync(
  join(OUT_DIR, 'register.js'),
  `// @threadline/node/register for --import. Generated by scripts/bundle.ts.\n${ENABLE_CACHE}\nawait import('./register-main.js');\n`,
);
writeFileSync(
  join(OUT_DIR, 'register-require.js'),
  `// @threadline/node/register for --require. Generated by scripts/bundle.ts.\n${ENABLE_CACHE}\nprocess.getBuiltinModule('node:module').createRequire(import.meta.url)('./register-main.js');\n`,
);
const files = Object.keys(result.metafile.outputs).filter((file) => file.endsWith('.js'));
console.log(`@threadline/node: bundled into ${files.length} files in ${OUT_DIR}`);
