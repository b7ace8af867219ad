import type { Logform } from 'winston';
import { resolveLogKeys } from './log-keys.ts';
import type { ResolvedLogKeys } from './log-keys.ts';
import { contextOf, injectTraceFields } from './trace-context.ts';
import type { TraceContextFormatOptions } from './types.ts';

class TraceContextFormat {
  readonly options: TraceContextFormatOptions;
  readonly #keys: ResolvedLogKeys;

  constructor(options: TraceContextFormatOptions, keys: ResolvedLogKeys) {
    this.options = options;
    this.#keys = keys;
  }

  transform(info: Logform.TransformableInfo): Logform.TransformableInfo {
    try {
      injectTraceFields(info, this.#keys, contextOf(info));
    } catch {
      // A frozen or proxied entry refuses the fields; the entry still goes out, uncorrelated.
    }
    return info;
  }
}

/**
 * A winston format adding the active span's `trace_id`, `span_id` and `trace_flags` (or the
 * configured names) to each entry; entries logged outside a valid span are left unchanged.
 */
export function traceContextFormat(options: TraceContextFormatOptions = {}): Logform.Format {
  if (options === null || typeof options !== 'object') {
    throw new TypeError('traceContextFormat: options must be an object');
  }
  return new TraceContextFormat(
    options,
    resolveLogKeys(options.preset, options.logKeys, 'traceContextFormat'),
  );
}
