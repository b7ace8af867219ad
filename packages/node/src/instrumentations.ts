import { createRequire, isBuiltin } from 'node:module';
import { join } from 'node:path';
import type { IncomingMessage } from 'node:http';
import { diag } from '@opentelemetry/api';
import type { Instrumentation } from '@opentelemetry/instrumentation';
import type { Redactor } from '@threadline/redact';
import type { ResolvedConfig } from './config.ts';
import { loadPackage } from './package-loader.ts';
import type { InstrumentationName } from './types.ts';

interface CatalogEntry {
  /** Libraries whose presence turns the instrumentation on; none means always available. */
  readonly libraries: readonly string[];
  /** Package and export holding the instrumentation class. */
  readonly packageName: string;
  readonly exportName: string;
  /** Threadline's defaults, overridden by the user's config object. */
  readonly defaults?: (config: ResolvedConfig, shared: SharedParts) => Record<string, unknown>;
  /** One of ours loaded beside it, for what the upstream instrumentation does not do. */
  readonly companion?: (shared: SharedParts) => Instrumentation | undefined;
}

const CATALOG: Readonly<Record<InstrumentationName, CatalogEntry>> = {
  http: {
    libraries: [],
    packageName: '@opentelemetry/instrumentation-http',
    exportName: 'HttpInstrumentation',
    defaults: (config) => ({
      ignoreIncomingRequestHook: createPathMatcher(config.ignoredPaths),
    }),
  },
  express: {
    libraries: ['express'],
    packageName: '@opentelemetry/instrumentation-express',
    exportName: 'ExpressInstrumentation',
  },
  // Node's global fetch is undici inside core, so this is useful without the package.
  undici: {
    libraries: [],
    packageName: '@opentelemetry/instrumentation-undici',
    exportName: 'UndiciInstrumentation',
  },
  pg: {
    libraries: ['pg'],
    packageName: '@opentelemetry/instrumentation-pg',
    exportName: 'PgInstrumentation',
  },
  ioredis: {
    libraries: ['ioredis'],
    packageName: '@opentelemetry/instrumentation-ioredis',
    exportName: 'IORedisInstrumentation',
  },
  redis: {
    libraries: ['redis', '@redis/client'],
    packageName: '@opentelemetry/instrumentation-redis',
    exportName: 'RedisInstrumentation',
  },
  mysql2: {
    libraries: ['mysql2'],
    packageName: '@opentelemetry/instrumentation-mysql2',
    exportName: 'MySQL2Instrumentation',
  },
  mongodb: {
    libraries: ['mongodb'],
    packageName: '@opentelemetry/instrumentation-mongodb',
    exportName: 'MongoDBInstrumentation',
  },
  winston: {
    libraries: ['winston'],
    packageName: '@threadline/winston',
    exportName: 'WinstonInstrumentation',
    // Redacted before any format runs, so the console and files are clean too.
    defaults: (_config, { redactor }) => (redactor === undefined ? {} : { redactor }),
  },
  pino: {
    libraries: ['pino'],
    packageName: '@threadline/pino',
    exportName: 'PinoInstrumentation',
    // Redacted before pino serializes, so what pino prints and the records sent are clean alike.
    defaults: (_config, { redactor }) => (redactor === undefined ? {} : { redactor }),
  },
};

/**
 * Returns a predicate for `ignoreIncomingRequestHook`: exact paths, or prefixes when the
 * pattern ends in `*`. The query string is ignored.
 */
export function createPathMatcher(patterns: readonly string[]): (req: IncomingMessage) => boolean {
  const exact = new Set<string>();
  const prefixes: string[] = [];
  for (const pattern of patterns) {
    if (pattern.endsWith('*')) prefixes.push(pattern.slice(0, -1));
    else exact.add(pattern);
  }
  return (req) => {
    const url = req.url ?? '';
    const q = url.indexOf('?');
    const path = q === -1 ? url : url.slice(0, q);
    if (exact.has(path)) return true;
    for (const prefix of prefixes) if (path.startsWith(prefix)) return true;
    return false;
  };
}

function isInstalled(appRequire: NodeJS.Require, library: string): boolean {
  try {
    appRequire.resolve(library);
    return true;
  } catch (error) {
    // Installed packages can still refuse `require.resolve` (ESM-only, no "." export).
    return (error as NodeJS.ErrnoException).code !== 'MODULE_NOT_FOUND';
  }
}

function loadExport(
  packageName: string,
  exportName: string,
): new (config: object) => Instrumentation {
  const ctor = loadPackage(packageName)[exportName];
  if (typeof ctor !== 'function') throw new Error(`${packageName} has no export ${exportName}`);
  return ctor as new (config: object) => Instrumentation;
}

/** Every package an instrumentation comes from, for the bundler (one entry each). */
export const INSTRUMENTATION_PACKAGES: readonly string[] = [
  ...new Set(Object.values(CATALOG).map((entry) => entry.packageName)),
];

export interface LoadedInstrumentations {
  readonly instrumentations: Instrumentation[];
  /** Names of the modules they hook, for the ESM loader's include list. */
  readonly moduleNames: string[];
  readonly loaded: InstrumentationName[];
}

/** Objects built once in `start()` and handed to the instrumentations that use them. */
export interface SharedParts {
  /** The redactor the log and span processors use too (undefined when redaction is off). */
  readonly redactor?: Redactor;
}

/**
 * Instantiates the enabled curated instrumentations whose libraries the application can
 * resolve, so an app without pg never pays for loading the pg instrumentation.
 */
export function loadInstrumentations(
  config: ResolvedConfig,
  appDir: string,
  shared: SharedParts = {},
): LoadedInstrumentations {
  const appRequire = createRequire(join(appDir, 'package.json'));
  const instrumentations: Instrumentation[] = [];
  const loaded: InstrumentationName[] = [];
  for (const [name, setting] of config.instrumentations) {
    if (setting === false) continue;
    const entry = CATALOG[name];
    if (
      entry.libraries.length > 0 &&
      !entry.libraries.some((lib) => isInstalled(appRequire, lib))
    ) {
      continue;
    }
    try {
      const Ctor = loadExport(entry.packageName, entry.exportName);
      instrumentations.push(new Ctor({ ...entry.defaults?.(config, shared), ...setting }));
      const companion = entry.companion?.(shared);
      if (companion !== undefined) instrumentations.push(companion);
      loaded.push(name);
    } catch (error) {
      diag.error(`@threadline/node: could not load the ${name} instrumentation`, error);
    }
  }
  instrumentations.push(...config.additionalInstrumentations);
  return { instrumentations, moduleNames: hookedModuleNames(instrumentations), loaded };
}

function hookedModuleNames(instrumentations: Instrumentation[]): string[] {
  const names = new Set<string>();
  for (const instrumentation of instrumentations) {
    const definitions =
      (
        instrumentation as { getModuleDefinitions?: () => { name: string }[] }
      ).getModuleDefinitions?.() ?? [];
    for (const { name } of definitions) {
      names.add(name);
      // ESM code imports builtins as `node:http` as often as `http`.
      if (isBuiltin(name) && !name.startsWith('node:')) names.add(`node:${name}`);
    }
  }
  return [...names];
}
