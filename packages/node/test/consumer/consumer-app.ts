// Builds what a user of the registry would get: `npm pack` of every public package, the
// tarballs installed into an app outside the repository with its third-party dependencies
// from the registry. Used by the consumer test and by the start-up bench, so both measure
// the published `dist/`, never the sources.
import { execFileSync, spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

/**
 * Per-run scratch that survives runs (Node binaries): under node_modules, so it is ignored
 * by git, removed with the dependencies, and never inside a package that gets packed.
 */
export const CACHE_DIR = join(REPO_ROOT, 'node_modules', '.cache', 'threadline');

interface PackageJson {
  name: string;
  version: string;
  private?: boolean;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

function readJson(path: string): PackageJson {
  return JSON.parse(readFileSync(path, 'utf8')) as PackageJson;
}

/**
 * The environment for npm and the consumer's processes: no `@threadline/source` condition
 * (vitest puts it in NODE_OPTIONS), no npm workspace or prefix settings leaking in from the
 * parent `npm run`, so the app resolves packages exactly as a user's would.
 */
export function plainEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (key === 'NODE_OPTIONS' || key.startsWith('npm_') || key.startsWith('VITEST')) continue;
    env[key] = value;
  }
  return { ...env, NODE_ENV: '', ...extra };
}

/** The public workspace packages (`packages/*` not marked private), by directory. */
export function publicPackages(): { dir: string; name: string; version: string }[] {
  const root = join(REPO_ROOT, 'packages');
  return readdirSync(root, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(root, d.name, 'package.json')))
    .map((d) => ({ dir: join(root, d.name), ...readJson(join(root, d.name, 'package.json')) }))
    .filter((p) => p.private !== true)
    .map(({ dir, name, version }) => ({ dir, name, version }));
}

/** `tsc --build`, the bundles, then `npm pack` of every public package; returns name → tarball path. */
export function packPublicPackages(destination: string): Map<string, string> {
  execFileSync(process.execPath, [join(REPO_ROOT, 'node_modules/typescript/bin/tsc'), '--build'], {
    cwd: REPO_ROOT,
    env: plainEnv(),
    stdio: 'pipe',
  });
  // Packages whose published entry points are bundles (`@threadline/node`) build them here;
  // `npm pack` of a directory runs no lifecycle script.
  execFileSync('npm', ['run', 'bundle', '--workspaces', '--if-present'], {
    cwd: REPO_ROOT,
    env: plainEnv(),
    stdio: 'pipe',
  });
  const packages = publicPackages();
  mkdirSync(destination, { recursive: true });
  const out = execFileSync(
    'npm',
    ['pack', '--json', '--pack-destination', destination, ...packages.map((p) => p.dir)],
    { cwd: REPO_ROOT, env: plainEnv(), encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const packed = JSON.parse(out) as { name: string; filename: string }[];
  return new Map(packed.map((p) => [p.name, join(destination, p.filename)]));
}

/** The Node version the repository runs on: its `node` devDependency, as installed. */
export const CURRENT_NODE = (
  JSON.parse(readFileSync(join(REPO_ROOT, 'node_modules/node/package.json'), 'utf8')) as {
    version: string;
  }
).version;

/** The version range the repository itself uses for a third-party package (one home). */
export function repoRange(name: string): string {
  const root = readJson(join(REPO_ROOT, 'package.json'));
  const range = root.devDependencies?.[name] ?? root.dependencies?.[name];
  if (range === undefined) throw new Error(`${name} is not a dependency of the repository`);
  return range;
}

export interface ConsumerApp {
  /** The app's directory, outside the repository. */
  readonly dir: string;
  /** name → tarball installed from. */
  readonly tarballs: Map<string, string>;
  /** What `npm install` printed on stderr (warnings). */
  readonly installWarnings: string;
}

export interface ConsumerAppOptions {
  /** Registry packages: a bare name takes the range the repository uses; a pair names one it does not use. */
  readonly thirdParty: readonly (string | readonly [name: string, range: string])[];
  /**
   * The Threadline packages the app lists itself, as a user would (default: all). The others
   * are only pinned to their tarballs through `overrides`, so they are installed only where a
   * package.json asks for them: a dependency missing from one is not hidden by the app.
   */
  readonly direct?: readonly string[];
  /** Tarballs packed before (name → path); packed afresh when absent. */
  readonly tarballs?: Map<string, string>;
}

/**
 * Creates an app under the OS temp directory and installs it with one `npm install`: the
 * packed Threadline packages plus third-party packages from the registry.
 */
export function createConsumerApp(options: ConsumerAppOptions): ConsumerApp {
  const dir = mkdtempSync(join(tmpdir(), 'threadline-consumer-'));
  const tarballs = options.tarballs ?? packPublicPackages(join(dir, 'tarballs'));
  const overrides: Record<string, string> = {};
  for (const [name, file] of tarballs) overrides[name] = `file:${file}`;
  const dependencies: Record<string, string> = {};
  for (const name of options.direct ?? tarballs.keys()) {
    if (overrides[name] === undefined) throw new Error(`${name} is not a packed package`);
    dependencies[name] = overrides[name];
  }
  for (const entry of options.thirdParty) {
    if (typeof entry === 'string') dependencies[entry] = repoRange(entry);
    else dependencies[entry[0]] = entry[1];
  }
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify(
      // "type": "module": nodenext type-checks typed.ts as the ESM consumer it is.
      {
        name: 'threadline-consumer',
        version: '1.0.0',
        private: true,
        type: 'module',
        dependencies,
        overrides,
      },
      null,
      2,
    ),
  );
  // --prefer-offline: registry metadata and tarballs come from npm's cache when there.
  const install = spawnSync(
    'npm',
    ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=warn'],
    { cwd: dir, env: plainEnv(), encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'] },
  );
  if (install.status !== 0)
    throw new Error(`npm install of the packed packages failed in ${dir}:\n${install.stderr}`);
  const installWarnings = install.stderr;
  return { dir, tarballs, installWarnings };
}

/** A Node binary of an exact version from the `node` npm package, cached between runs. */
export function nodeBinary(version: string): string {
  if (process.version === `v${version}`) return process.execPath;
  const repoNode = join(REPO_ROOT, 'node_modules', 'node', 'bin', 'node');
  if (version === CURRENT_NODE) return repoNode;
  const dir = join(CACHE_DIR, `node-${version}`);
  const bin = join(dir, 'node_modules', 'node', 'bin', 'node');
  if (!existsSync(bin)) {
    mkdirSync(dir, { recursive: true });
    execFileSync(
      'npm',
      ['install', '--prefix', dir, '--no-audit', '--no-fund', '--no-save', `node@${version}`],
      { env: plainEnv(), stdio: 'pipe' },
    );
  }
  const reported = execFileSync(bin, ['--version'], { encoding: 'utf8' }).trim();
  if (reported !== `v${version}`) throw new Error(`${bin} is ${reported}, not v${version}`);
  return bin;
}
