import type { LoggerProvider, MeterProvider } from '@opentelemetry/api';
import { ThreadlineConfigError, integerOption } from '@threadline/core';
import { createRedactor } from '@threadline/redact';
import type { Redactor } from '@threadline/redact';
import type { BruteForceDetectorOptions, EventsOptions } from './types.ts';

export interface ResolvedEventsOptions {
  readonly loggerProvider: LoggerProvider | undefined;
  readonly meterProvider: MeterProvider | undefined;
  readonly redactor: Redactor;
  readonly bruteForce: BruteForceDetectorOptions | undefined;
  readonly maxStringLength: number;
  readonly maxChangesLength: number;
}

const OWNER = 'createEvents';

function hasMethods(value: unknown, ...methods: string[]): boolean {
  return (
    value !== null &&
    typeof value === 'object' &&
    methods.every((m) => typeof (value as Record<string, unknown>)[m] === 'function')
  );
}

/** Checks `createEvents` options (throwing ThreadlineConfigError) and applies the defaults. */
export function resolveEventsOptions(options: EventsOptions | undefined): ResolvedEventsOptions {
  if (options !== undefined && (options === null || typeof options !== 'object')) {
    throw new ThreadlineConfigError(`${OWNER}: options must be an object`);
  }
  const o = options ?? {};
  if (o.loggerProvider !== undefined && !hasMethods(o.loggerProvider, 'getLogger')) {
    throw new ThreadlineConfigError(`${OWNER}: loggerProvider must be a LoggerProvider`);
  }
  if (o.meterProvider !== undefined && !hasMethods(o.meterProvider, 'getMeter')) {
    throw new ThreadlineConfigError(`${OWNER}: meterProvider must be a MeterProvider`);
  }
  if (
    o.redactor !== undefined &&
    !hasMethods(o.redactor, 'redactString', 'redactValue', 'redactAttributes')
  ) {
    throw new ThreadlineConfigError(`${OWNER}: redactor must come from createRedactor()`);
  }
  if (o.bruteForce !== undefined && (o.bruteForce === null || typeof o.bruteForce !== 'object')) {
    throw new ThreadlineConfigError(`${OWNER}: bruteForce must be an object of detector options`);
  }
  return Object.freeze({
    loggerProvider: o.loggerProvider,
    meterProvider: o.meterProvider,
    redactor: o.redactor ?? createRedactor(),
    bruteForce: o.bruteForce,
    maxStringLength: integerOption(o.maxStringLength, 2048, OWNER, 'maxStringLength', { min: 16 }),
    maxChangesLength: integerOption(o.maxChangesLength, 16384, OWNER, 'maxChangesLength', {
      min: 64,
    }),
  });
}
