// Encode cost per record: this package's per-record encoder (+ request assembly) against the
// SDK's ProtobufLogsSerializer on the same records, measured in the same run.
// Run: npx node --conditions=@threadline/source packages/log-export/bench/encode-cost.ts
import { ROOT_CONTEXT, SeverityNumber, trace } from '@opentelemetry/api';
import { JsonLogsSerializer, ProtobufLogsSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { LoggerProvider } from '@opentelemetry/sdk-logs';
import type {
  LogRecordProcessor,
  ReadableLogRecord,
  ReadWriteLogRecord,
} from '@opentelemetry/sdk-logs';
import { LogsRequestEncoder } from '@threadline/log-export/internal';

const RECORDS = 20_000;
const BATCH = 512;
const ROUNDS = 15;

const captured: ReadableLogRecord[] = [];
const capture: LogRecordProcessor = {
  onEmit: (record: ReadWriteLogRecord) => void captured.push(record),
  forceFlush: async () => {},
  shutdown: async () => {},
};
const provider = new LoggerProvider({
  resource: resourceFromAttributes({
    'service.name': 'orders',
    'service.version': '1.4.2',
    'host.name': 'web-1',
  }),
  processors: [capture],
});
const logger = provider.getLogger('winston', '3.19.0');
const ctx = trace.setSpanContext(ROOT_CONTEXT, {
  traceId: '0af7651916cd43dd8448eb211c80319c',
  spanId: 'b7ad6b7169203331',
  traceFlags: 1,
});
for (let i = 0; i < RECORDS; i++) {
  logger.emit({
    severityNumber: SeverityNumber.INFO,
    severityText: 'info',
    body: `order ${i} placed for customer c-${i % 97} with 3 items`,
    attributes: {
      'order.id': `o-${i}`,
      'order.total': 42.5 + i,
      'http.route': '/orders/:id',
      retry: i % 3,
      ok: true,
    },
    context: ctx,
  });
}

type Encode = (batch: ReadableLogRecord[]) => Uint8Array;
function measure(name: string, encode: Encode): number {
  const batches: ReadableLogRecord[][] = [];
  for (let i = 0; i < captured.length; i += BATCH) batches.push(captured.slice(i, i + BATCH));
  let best = Infinity;
  let bytes = 0;
  for (let round = 0; round < ROUNDS; round++) {
    const start = process.hrtime.bigint();
    bytes = 0;
    for (const batch of batches) bytes += encode(batch).length;
    const ns = Number(process.hrtime.bigint() - start) / captured.length;
    if (round >= 3) best = Math.min(best, ns);
  }
  console.log(
    `${name.padEnd(44)} ${best.toFixed(0).padStart(6)} ns/record  (${(bytes / captured.length).toFixed(0)} B/record)`,
  );
  return best;
}

const ours = new LogsRequestEncoder('protobuf');
const oursJson = new LogsRequestEncoder('json');
const a = measure('threadline protobuf (encode + assemble)', (b) => ours.encode(b));
const b = measure(
  'SDK ProtobufLogsSerializer.serializeRequest',
  (r) => ProtobufLogsSerializer.serializeRequest(r) as Uint8Array,
);
const c = measure('threadline json (encode + assemble)', (r) => oursJson.encode(r));
const d = measure(
  'SDK JsonLogsSerializer.serializeRequest',
  (r) => JsonLogsSerializer.serializeRequest(r) as Uint8Array,
);
console.log(
  `protobuf ratio threadline/SDK: ${(a / b).toFixed(2)}; json ratio: ${(c / d).toFixed(2)}`,
);
