// TP1: @threadline/pino → OTLP http/protobuf, on the record and span of P1/P4/P5: the
// instrumentation writes the trace fields into pino's line and sends each line through
// @threadline/log-export's direct path to its OtlpLogRecordProcessor. pino writes to a null
// stream, as in P1. Reported against P1 (pino alone) measured in the same run.
import { logs } from '@opentelemetry/api';
import { LoggerProvider } from '@opentelemetry/sdk-logs';
import { PinoInstrumentation } from '@threadline/pino';
import type pinoType from 'pino';
import { MESSAGE, nullStream, orderMeta, requireLib } from './scenario-kit.ts';
import type { ScenarioSetup } from './scenario-kit.ts';
import { createThreadlineLogProcessor } from './threadline-export.ts';

export const setup: ScenarioSetup = async (ctx) => {
  const { processor, implementation } = await createThreadlineLogProcessor(
    'http/protobuf',
    ctx.endpoint,
  );
  const provider = new LoggerProvider({ processors: [processor] });
  logs.setGlobalLoggerProvider(provider);
  // Enabled on construction, before pino is required, as @threadline/node does it.
  new PinoInstrumentation();
  const pino = requireLib('pino') as typeof pinoType;
  const logger = pino({ level: 'info' }, nullStream());
  return {
    exports: true,
    notes: implementation,
    log: (i) => logger.info(orderMeta(i), MESSAGE),
    shutdown: () => provider.shutdown(),
  };
};
