import { register as registerAsyncLoader } from 'node:module';
import { diag } from '@opentelemetry/api';
import {
  register as registerSyncLoader,
  supportsSyncHooks,
} from 'import-in-the-middle/register-hooks.mjs';

let registered = false;

// Node frames on the stack while require() evaluates an ES module (register.js under
// `--require`). Async hooks registered there leave Node < 22.22.3 unable to finish that
// require (ERR_METHOD_NOT_IMPLEMENTED: resolveSync), found by the consumer test on 22.15.
const REQUIRE_OF_ESM_FRAMES = /\b(?:importSyncForRequire|loadESMFromCJS)\b/;

function insideRequireOfEsm(): boolean {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 64;
  try {
    return REQUIRE_OF_ESM_FRAMES.test(new Error().stack ?? '');
  } finally {
    Error.stackTraceLimit = limit;
  }
}

/**
 * Installs import-in-the-middle's loader so ESM imports of the instrumented modules can be
 * patched. Only the named modules are intercepted: wrapping every import is what makes
 * instrumented ESM apps start several times slower. On Node versions with working
 * synchronous hooks the loader runs in-thread, so this needs no top-level await and
 * works from `--require` as well as `--import`.
 */
export function registerEsmLoaderHook(moduleNames: readonly string[]): void {
  if (registered || moduleNames.length === 0) return;
  registered = true;
  try {
    if (supportsSyncHooks()) {
      registerSyncLoader({ include: [...moduleNames] });
    } else if (insideRequireOfEsm()) {
      // A CommonJS app's require()d modules are still patched; only its import()s are not.
      diag.info(
        `@threadline/node: Node ${process.version} cannot install the ESM loader hook from --require; ` +
          'modules the app loads with import() will not be instrumented (start with --import @threadline/node/register, or use Node >= 22.22.3 / 24.11.1)',
      );
    } else {
      registerAsyncLoader('import-in-the-middle/hook.mjs', import.meta.url, {
        data: { include: [...moduleNames] },
      });
    }
  } catch (error) {
    diag.error(
      '@threadline/node: could not register the ESM loader hook; ESM modules will not be instrumented',
      error,
    );
  }
}
