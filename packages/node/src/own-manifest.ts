// @threadline/node's own package.json, read at run time where a fact lives there and nowhere
// else: the supported Node versions (`engines`) and the optional peer dependencies.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface OwnManifest {
  readonly name?: string;
  readonly version?: string;
  readonly engines?: Readonly<Record<string, string>>;
  readonly peerDependencies?: Readonly<Record<string, string>>;
  readonly peerDependenciesMeta?: Readonly<Record<string, { optional?: boolean }>>;
}

let cached: OwnManifest | null | undefined;

/**
 * The package.json named `@threadline/node`, found upwards from this module (src/, dist/ or
 * a bundle directory below them); undefined when there is none. Read once.
 */
export function ownManifest(): OwnManifest | undefined {
  if (cached !== undefined) return cached ?? undefined;
  cached = null;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let depth = 0; depth < 5; depth++) {
    try {
      const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as OwnManifest;
      if (manifest.name === '@threadline/node') {
        cached = manifest;
        break;
      }
    } catch {
      // No package.json here (or not JSON): look one level up.
    }
    dir = dirname(dir);
  }
  return cached ?? undefined;
}
