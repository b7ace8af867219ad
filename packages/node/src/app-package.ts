import { readFileSync, realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The `name` and `version` of the application's own package.json, when found. */
export interface AppPackage {
  readonly name?: string;
  readonly version?: string;
  /** Directory holding that package.json; libraries are resolved from here. */
  readonly dir: string;
}

function readPackage(dir: string): { name?: unknown; version?: unknown } | undefined {
  try {
    return JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  } catch {
    return undefined;
  }
}

/**
 * Walks up from the entry script (or the working directory when there is none, as in a
 * REPL) to the nearest package.json, which is the application's own.
 */
export function findAppPackage(entry: string | undefined = process.argv[1]): AppPackage {
  let start = process.cwd();
  if (entry) {
    try {
      start = dirname(realpathSync(entry));
    } catch {
      // An entry that does not exist on disk (e.g. `node -e`) leaves the cwd as start.
    }
  }
  for (let dir = start; ; dir = dirname(dir)) {
    const pkg = readPackage(dir);
    if (pkg) {
      return {
        name: typeof pkg.name === 'string' ? pkg.name : undefined,
        version: typeof pkg.version === 'string' ? pkg.version : undefined,
        dir,
      };
    }
    if (dirname(dir) === dir) return { dir: start };
  }
}
