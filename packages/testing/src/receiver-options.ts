import { resolveCors, type ResolvedCors } from './cors.ts';
import type { OtlpReceiverOptions } from './types.ts';

const DEFAULT_HOST = '127.0.0.1';
const DEFAULT_PORT = 0;
const DEFAULT_MAX_BODY_BYTES = 20 * 1024 * 1024;

/** Default `timeoutMs` of the `waitFor*` methods. */
export const DEFAULT_WAIT_TIMEOUT_MS = 10_000;

/** {@link OtlpReceiverOptions} with every default applied and every value checked. */
export interface ResolvedReceiverOptions {
  readonly host: string;
  readonly port: number;
  readonly maxBodyBytes: number;
  readonly pathPrefix: string;
  readonly cors: ResolvedCors | undefined;
}

/** Applies defaults; throws for values that cannot work, so a typo fails at start-up. */
export function resolveReceiverOptions(options: OtlpReceiverOptions): ResolvedReceiverOptions {
  const host = options.host ?? DEFAULT_HOST;
  const port = options.port ?? DEFAULT_PORT;
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  if (typeof host !== 'string' || host === '') {
    throw new TypeError(`host must be a non-empty string, got ${String(host)}`);
  }
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new RangeError(`port must be an integer from 0 to 65535, got ${String(port)}`);
  }
  if (!Number.isSafeInteger(maxBodyBytes) || maxBodyBytes < 1) {
    throw new RangeError(`maxBodyBytes must be a positive integer, got ${String(maxBodyBytes)}`);
  }
  const pathPrefix = options.pathPrefix ?? '';
  if (typeof pathPrefix !== 'string' || (pathPrefix !== '' && !/^\/[^?#]*[^/]$/.test(pathPrefix))) {
    throw new TypeError(
      `pathPrefix must be '' or start with / and not end with /, got ${String(pathPrefix)}`,
    );
  }
  return { host, port, maxBodyBytes, pathPrefix, cors: resolveCors(options.cors) };
}
