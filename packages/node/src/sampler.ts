// OTEL_TRACES_SAMPLER / OTEL_TRACES_SAMPLER_ARG, read as the spec (and NodeSDK) reads them:
// the one place Threadline turns them into a sampler.
import { diag } from '@opentelemetry/api';
import { getNumberFromEnv, getStringFromEnv } from '@opentelemetry/core';
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  ParentBasedSampler,
  TraceIdRatioBasedSampler,
} from '@opentelemetry/sdk-trace';
import type { Sampler } from '@opentelemetry/sdk-trace';

const DEFAULT_RATIO = 1;

/** Where a bad value is reported: diag.error, or nowhere for a second reader (the doctor). */
type Report = (message: string) => void;
const toDiag: Report = (message) => diag.error(message);

/** OTEL_TRACES_SAMPLER_ARG as a ratio in [0, 1]; out of range or blank: 1, with an error. */
export function samplerRatioFromEnv(report: Report = toDiag): number {
  const ratio = getNumberFromEnv('OTEL_TRACES_SAMPLER_ARG');
  if (ratio === undefined) {
    report(`OTEL_TRACES_SAMPLER_ARG is blank, defaulting to ${DEFAULT_RATIO}.`);
    return DEFAULT_RATIO;
  }
  if (ratio < 0 || ratio > 1) {
    report(
      `OTEL_TRACES_SAMPLER_ARG=${ratio} is out of range ([0..1]), defaulting to ${DEFAULT_RATIO}.`,
    );
    return DEFAULT_RATIO;
  }
  return ratio;
}

/**
 * The sampler OTEL_TRACES_SAMPLER names; undefined means the SDK default (parentbased_always_on).
 * `report` receives what is wrong with a value (default: diag.error); the doctor, reading the
 * same variables after the SDK did, passes a no-op so nothing is said twice.
 */
export function samplerFromEnv(report: Report = toDiag): Sampler | undefined {
  const name = getStringFromEnv('OTEL_TRACES_SAMPLER');
  switch (name) {
    case undefined:
      return undefined;
    case 'always_on':
      return new AlwaysOnSampler();
    case 'always_off':
      return new AlwaysOffSampler();
    case 'parentbased_always_on':
      return new ParentBasedSampler({ root: new AlwaysOnSampler() });
    case 'parentbased_always_off':
      return new ParentBasedSampler({ root: new AlwaysOffSampler() });
    case 'traceidratio':
      return new TraceIdRatioBasedSampler(samplerRatioFromEnv(report));
    case 'parentbased_traceidratio':
      return new ParentBasedSampler({
        root: new TraceIdRatioBasedSampler(samplerRatioFromEnv(report)),
      });
    default:
      report(`unknown OTEL_TRACES_SAMPLER value "${name}", using default`);
      return undefined;
  }
}
