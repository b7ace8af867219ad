// Packages only some configurations need are optional peer dependencies of @threadline/node
// (package.json `peerDependenciesMeta`), so the default install carries no gRPC stack: the
// gRPC OTLP exporters (@grpc/grpc-js pulls protobufjs, whose install script every consumer
// install warned about) and @opentelemetry/sdk-node (which depends on all of them). An app that
// asks for one without installing it gets an error naming the package and the command, not
// a bare "Cannot find package".
import { ownManifest } from './own-manifest.ts';
import { loadPackage } from './package-loader.ts';

/** The message for an optional peer that is not installed; undefined for any other package. */
export function missingOptionalPeerMessage(
  packageName: string,
  neededFor: string,
): string | undefined {
  const manifest = ownManifest();
  if (manifest?.peerDependenciesMeta?.[packageName]?.optional !== true) return undefined;
  const range = manifest.peerDependencies?.[packageName];
  const spec = range === undefined ? packageName : `${packageName}@${range}`;
  return `@threadline/node: ${neededFor} needs ${packageName}, an optional peer dependency that is not installed; install it in the app (npm install ${spec}) or choose another setting`;
}

/** Whether `error` says `packageName` itself is missing (not one of its own dependencies). */
function isNotFound(error: unknown, packageName: string): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  return (
    (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') &&
    String(message).includes(`'${packageName}'`)
  );
}

/**
 * Loads an optional peer dependency as {@link loadPackage} does; when it is not installed,
 * throws an Error saying which setting needs it and how to install it (start() reports it
 * through diag.error and leaves telemetry off, as for any start-up failure).
 */
export function loadOptionalPeer(packageName: string, neededFor: string): Record<string, unknown> {
  try {
    return loadPackage(packageName);
  } catch (error) {
    const message = isNotFound(error, packageName)
      ? missingOptionalPeerMessage(packageName, neededFor)
      : undefined;
    if (message === undefined) throw error;
    throw new Error(message, { cause: error });
  }
}
