// The doctor's sampler check: does the sampler the SDK will use record any trace? The sampler
// is the one start() hands the SDK (the code option, else sampler.ts's reading of
// OTEL_TRACES_SAMPLER), and it is judged by what it decides, not by its name, so a sampler
// passed in code is reported only when it really drops everything.
import { ROOT_CONTEXT, SpanKind, TraceFlags, trace } from '@opentelemetry/api';
import type { Context } from '@opentelemetry/api';
import { SamplingDecision } from '@opentelemetry/sdk-trace';
import type { Sampler } from '@opentelemetry/sdk-trace';
import type { DoctorFinding } from './doctor.ts';
import { samplerFromEnv } from './sampler.ts';

// Trace ids a sampler that keeps any share of traces keeps at least one of: all-f XORs to 0
// (TraceIdRatioBased keeps ids whose 32-bit XOR is below ratio × 2³²) and carries the most
// randomness (threshold samplers keep ids whose low 56 bits are above a threshold); …01 is
// the next lowest XOR; two fixed mid-range ids cover samplers that hash the id. Fixed, so
// the verdict is the same on every run.
const PROBE_TRACE_IDS = [
  'ffffffffffffffffffffffffffffffff',
  '00000000000000000000000000000001',
  '4bf92f3577b34da6a3ce929d0e0e4736',
  '0af7651916cd43dd8448eb211c80319c',
];
const PROBE_PARENT_SPAN_ID = '00f067aa0ba902b7';

function records(sampler: Sampler, context: Context, traceId: string): boolean {
  const { decision } = sampler.shouldSample(
    context,
    traceId,
    'threadline doctor probe',
    SpanKind.SERVER,
    {},
    [],
  );
  return decision !== SamplingDecision.NOT_RECORD;
}

/** What the sampler keeps: traces started here, only traces a sampled caller started, or none. */
function samplerReach(sampler: Sampler): 'some' | 'continued-only' | 'none' {
  if (PROBE_TRACE_IDS.some((traceId) => records(sampler, ROOT_CONTEXT, traceId))) return 'some';
  const sampledParent = trace.setSpanContext(ROOT_CONTEXT, {
    traceId: PROBE_TRACE_IDS[0],
    spanId: PROBE_PARENT_SPAN_ID,
    traceFlags: TraceFlags.SAMPLED,
    isRemote: true,
  });
  return PROBE_TRACE_IDS.some((traceId) => records(sampler, sampledParent, traceId))
    ? 'continued-only'
    : 'none';
}

function envSetting(env: NodeJS.ProcessEnv): string {
  const name = env.OTEL_TRACES_SAMPLER?.trim() ?? '';
  return name.endsWith('traceidratio')
    ? `OTEL_TRACES_SAMPLER=${name} with OTEL_TRACES_SAMPLER_ARG=${env.OTEL_TRACES_SAMPLER_ARG?.trim() ?? ''}`
    : `OTEL_TRACES_SAMPLER=${name}`;
}

/**
 * One finding when the sampler in use records no trace started in this service: `codeSampler`
 * (start()'s `sampler` option) when given, else the one OTEL_TRACES_SAMPLER(_ARG) names. The
 * sampler is asked a few fixed questions, never more; one that throws is not judged.
 */
export function samplerFinding(
  codeSampler: Sampler | undefined,
  env: NodeJS.ProcessEnv = process.env,
): DoctorFinding[] {
  // The SDK already reported a bad value when it read the variables; say nothing twice.
  const sampler = codeSampler ?? samplerFromEnv(() => {});
  if (sampler === undefined) return [];
  let reach: ReturnType<typeof samplerReach>;
  try {
    reach = samplerReach(sampler);
  } catch {
    return [];
  }
  if (reach === 'some') return [];
  const what =
    codeSampler === undefined
      ? envSetting(env)
      : `the sampler passed to start() (${String(sampler)})`;
  const effect =
    reach === 'none'
      ? 'drops every trace'
      : 'starts no trace: only requests arriving with a sampled traceparent are traced';
  const fix =
    codeSampler === undefined
      ? 'unset it, or use parentbased_traceidratio with OTEL_TRACES_SAMPLER_ARG above 0'
      : 'pass one that keeps a share of traces, e.g. new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(0.1) }), or none to use OTEL_TRACES_SAMPLER';
  return [
    {
      check: 'sampler',
      message: `${what} ${effect} (and log records carry no sampled trace); ${fix}`,
    },
  ];
}
