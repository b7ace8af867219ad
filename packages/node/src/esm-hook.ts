import { register as registerAsyncLoader } from 'node:module';
import { diag } from '@opentelemetry/api';
import {
  register as registerSyncLoader,
  supportsSyncHooks,
} from 'import-in-the-middle/register-hooks.mjs';

let registered = false;

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
