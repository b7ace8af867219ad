// OTEL_EXPORTER_OTLP_HEADERS and OTEL_EXPORTER_OTLP_<SIGNAL>_HEADERS, read in one place for
// every Threadline component that sends OTLP or probes a collector (@threadline/log-export's
// processor, @threadline/node's doctor), with the parser the upstream OTLP exporters use, so
// a value means the same to Threadline's log export as to the SDK's trace and metric export.
import { parseKeyPairsIntoRecord } from '@opentelemetry/core';
import type { Env } from './env-options.ts';

/** The OTLP signals that have their own `OTEL_EXPORTER_OTLP_<SIGNAL>_*` variables. */
export type OtlpSignal = 'traces' | 'metrics' | 'logs';

/**
 * Merges header layers, later layers winning per header name. Names compare without regard to
 * case (HTTP header names are case-insensitive): `authorization` from one layer and
 * `Authorization` from a later one would otherwise both be sent, and a collector sees two
 * tokens. The winning layer's spelling is kept.
 */
export function mergeHeaders(
  ...layers: readonly (Readonly<Record<string, string>> | undefined)[]
): Record<string, string> {
  const merged: Record<string, string> = {};
  const spelling = new Map<string, string>();
  for (const layer of layers) {
    if (layer === undefined) continue;
    for (const [name, value] of Object.entries(layer)) {
      const folded = name.toLowerCase();
      const previous = spelling.get(folded);
      if (previous !== undefined && previous !== name) delete merged[previous];
      spelling.set(folded, name);
      merged[name] = value;
    }
  }
  return merged;
}

/**
 * The headers the environment gives an OTLP exporter of `signal`: OTEL_EXPORTER_OTLP_HEADERS
 * merged with OTEL_EXPORTER_OTLP_<SIGNAL>_HEADERS, the signal-specific value winning per
 * header (the specification's rule; the signal-specific variable does not replace the generic
 * one). Each is a comma-separated list of percent-encoded `name=value` pairs, parsed by
 * `@opentelemetry/core`'s `parseKeyPairsIntoRecord` as the upstream exporters parse it: a pair
 * without a name or value, or with a malformed percent escape, is skipped.
 */
export function otlpHeadersFromEnv(
  signal: OtlpSignal,
  env: Env = process.env,
): Record<string, string> {
  return mergeHeaders(
    parseKeyPairsIntoRecord(env.OTEL_EXPORTER_OTLP_HEADERS?.trim()),
    parseKeyPairsIntoRecord(env[`OTEL_EXPORTER_OTLP_${signal.toUpperCase()}_HEADERS`]?.trim()),
  );
}
