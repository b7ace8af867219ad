// P4: @opentelemetry/instrumentation-pino with log sending (and correlation) on, records going
// through the global LoggerProvider of @opentelemetry/api: BatchLogRecordProcessor + OTLP
// http/protobuf, default settings. pino itself still writes to a null stream.
import { logs } from '@opentelemetry/api';
import { PinoInstrumentation } from '@opentelemetry/instrumentation-pino';
import type pinoType from 'pino';
import { MESSAGE, nullStream, orderMeta, requireLib } from './scenario-kit.ts';
import type { ScenarioSetup } from './scenario-kit.ts';
import { createSdkLoggerProvider } from './sdk-log-pipeline.ts';

export const setup: ScenarioSetup = async (ctx) => {
  const provider = createSdkLoggerProvider('http/protobuf', ctx.endpoint);
  logs.setGlobalLoggerProvider(provider);
  new PinoInstrumentation({ disableLogSending: false }).enable();
  const pino = requireLib('pino') as typeof pinoType;
  const logger = pino({ level: 'info' }, nullStream());
  return {
    exports: true,
    log: (i) => logger.info(orderMeta(i), MESSAGE),
    shutdown: () => provider.shutdown(),
  };
};
