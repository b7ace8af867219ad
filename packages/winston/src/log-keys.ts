import { DEFAULT_TRACE_LOG_KEYS } from '@threadline/core';
import type { LogKeys, LogKeysPreset } from './types.ts';

/** Field names for the trace context, resolved once from a preset and overrides. */
export interface ResolvedLogKeys {
  readonly traceId: string;
  readonly spanId: string;
  readonly traceFlags: string;
}

export const DEFAULT_LOG_KEYS: ResolvedLogKeys = DEFAULT_TRACE_LOG_KEYS;

export const ECS_LOG_KEYS: ResolvedLogKeys = Object.freeze({
  traceId: 'trace.id',
  spanId: 'span.id',
  traceFlags: 'trace.flags',
});

const PRESETS: Readonly<Record<LogKeysPreset, ResolvedLogKeys>> = {
  default: DEFAULT_LOG_KEYS,
  ecs: ECS_LOG_KEYS,
};

// winston owns these; overwriting them would change what every transport prints.
const RESERVED = new Set(['level', 'message']);

/** Resolves the field names, throwing a TypeError that names the bad option. */
export function resolveLogKeys(
  preset: LogKeysPreset | undefined,
  logKeys: LogKeys | undefined,
  owner: string,
): ResolvedLogKeys {
  if (preset !== undefined && !Object.hasOwn(PRESETS, preset)) {
    throw new TypeError(
      `${owner}: preset must be 'default' or 'ecs', got ${JSON.stringify(preset)}`,
    );
  }
  const base = PRESETS[preset ?? 'default'];
  if (logKeys === undefined) return base;
  if (logKeys === null || typeof logKeys !== 'object') {
    throw new TypeError(`${owner}: logKeys must be an object like { traceId: 'trace_id' }`);
  }
  const resolved = {
    traceId: keyOption(logKeys.traceId, base.traceId, 'traceId', owner),
    spanId: keyOption(logKeys.spanId, base.spanId, 'spanId', owner),
    traceFlags: keyOption(logKeys.traceFlags, base.traceFlags, 'traceFlags', owner),
  };
  if (new Set([resolved.traceId, resolved.spanId, resolved.traceFlags]).size !== 3) {
    throw new TypeError(
      `${owner}: logKeys.traceId, spanId and traceFlags must be three different names`,
    );
  }
  return Object.freeze(resolved);
}

function keyOption(value: unknown, fallback: string, name: string, owner: string): string {
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || value === '') {
    throw new TypeError(`${owner}: logKeys.${name} must be a non-empty string`);
  }
  if (RESERVED.has(value)) {
    throw new TypeError(`${owner}: logKeys.${name} cannot be '${value}', winston uses that field`);
  }
  return value;
}
