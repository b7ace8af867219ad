import { context, logs, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { JsonLogsSerializer, ProtobufLogsSerializer } from '@opentelemetry/otlp-transformer';
import {
  InMemoryLogRecordExporter,
  LoggerProvider,
  SimpleLogRecordProcessor,
} from '@opentelemetry/sdk-logs';
import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { AlwaysOnSampler, TracerProvider } from '@opentelemetry/sdk-trace';
import { OpenTelemetryTransport } from '@threadline/winston';
import type winstonType from 'winston';
import type { ChildJob, SerializerResult } from './job.ts';
import { MESSAGE, nullStream, orderMeta, requireLib } from './scenarios/scenario-kit.ts';
import { loadThreadlineEncoders } from './scenarios/threadline-export.ts';

type Encoder = (records: ReadableLogRecord[]) => Uint8Array | string | undefined;

/** Records exactly as the Threadline winston transport builds them, inside a real span. */
function buildRecords(count: number): ReadableLogRecord[] {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  const tracer = new TracerProvider({ sampler: new AlwaysOnSampler() }).getTracer('bench');
  const exporter = new InMemoryLogRecordExporter();
  const provider = new LoggerProvider({ processors: [new SimpleLogRecordProcessor({ exporter })] });
  logs.setGlobalLoggerProvider(provider);
  const winston = requireLib('winston') as typeof winstonType;
  const logger = winston.createLogger({
    format: winston.format.json(),
    transports: [
      new winston.transports.Stream({ stream: nullStream() }),
      new OpenTelemetryTransport({ loggerProvider: provider }),
    ],
  });
  const span = tracer.startSpan('POST /orders');
  context.with(trace.setSpan(context.active(), span), () => {
    for (let i = 0; i < count; i++) logger.info(MESSAGE, orderMeta(i));
  });
  return exporter.getFinishedLogRecords();
}

function cpuMs(since: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(since);
  return (d.user + d.system) / 1000;
}

/** Encodes the same batch until `budgetMs` of CPU time is spent; returns records per CPU-s. */
function measure(encode: Encoder, records: ReadableLogRecord[], budgetMs: number): number {
  const warm = process.cpuUsage();
  while (cpuMs(warm) < budgetMs / 4) encode(records);
  let batches = 0;
  const cpu0 = process.cpuUsage();
  let spent: number;
  do {
    for (let k = 0; k < 10; k++) encode(records);
    batches += 10;
    spent = cpuMs(cpu0);
  } while (spent < budgetMs);
  return (batches * records.length * 1000) / spent;
}

/**
 * One serializer round: the same winston-made batch encoded by the SDK's protobuf and JSON
 * serializers, Threadline's encoders and a `JSON.stringify` floor, in rotating order.
 */
export async function runSerializerBench(job: ChildJob): Promise<SerializerResult> {
  const records = buildRecords(job.batchSize);
  // The floor: the same data as plain objects, no OTLP mapping at all.
  const plain = records.map((r) => ({
    timeUnixNano: r.hrTime,
    severityNumber: r.severityNumber,
    severityText: r.severityText,
    body: r.body,
    attributes: r.attributes,
    traceId: r.spanContext?.traceId,
    spanId: r.spanContext?.spanId,
    flags: r.spanContext?.traceFlags,
  }));
  const encoders: Record<string, Encoder> = {
    'sdk-protobuf': (r) => ProtobufLogsSerializer.serializeRequest(r),
    'sdk-json': (r) => JsonLogsSerializer.serializeRequest(r),
    'json-stringify-floor': () => JSON.stringify(plain),
  };
  const ours = await loadThreadlineEncoders();
  encoders['threadline-protobuf'] = ours.protobuf;
  encoders['threadline-json'] = ours.json;

  const names = Object.keys(encoders);
  const shift = job.round % names.length;
  const order = [...names.slice(shift), ...names.slice(0, shift)];
  const recordsPerCpuSecond: Record<string, number> = {};
  const bytesPerRecord: Record<string, number> = {};
  for (const name of order) {
    const out = encoders[name](records);
    bytesPerRecord[name] =
      (typeof out === 'string' ? Buffer.byteLength(out) : (out?.byteLength ?? 0)) / records.length;
    recordsPerCpuSecond[name] = measure(encoders[name], records, job.serializerCpuMs);
  }
  return {
    mode: 'serializer',
    batchSize: records.length,
    recordsPerCpuSecond,
    bytesPerRecord,
  };
}
