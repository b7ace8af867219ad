// P5: pino-opentelemetry-transport (a pino transport: serialising happens on the main thread,
// mapping and OTLP export in its worker thread; process.cpuUsage() counts both). Trace ids
// reach the lines through instrumentation-pino's correlation (log sending off), which is how
// that transport is meant to be combined. Its own bundled SDK (sdk-logs 0.220) exports
// http/protobuf through a BatchLogRecordProcessor at default settings.
import { once } from 'node:events';
import { PinoInstrumentation } from '@opentelemetry/instrumentation-pino';
import type pinoType from 'pino';
import { MESSAGE, orderMeta, requireLib } from './scenario-kit.ts';
import type { ScenarioSetup } from './scenario-kit.ts';

export const setup: ScenarioSetup = async (ctx) => {
  new PinoInstrumentation({ disableLogSending: true }).enable();
  const pino = requireLib('pino') as typeof pinoType;
  const transport = pino.transport({
    target: 'pino-opentelemetry-transport',
    options: {
      loggerName: 'bench',
      resourceAttributes: { 'service.name': 'bench' },
      logRecordProcessorOptions: {
        recordProcessorType: 'batch',
        exporterOptions: {
          protocol: 'http/protobuf',
          protobufExporterOptions: { url: `${ctx.endpoint}/v1/logs` },
        },
      },
    },
  });
  // The transport expects pino's config message (expectPinoConfig), sent when the logger is
  // created: 'ready' comes only after that.
  const logger = pino({ level: 'info' }, transport);
  await once(transport, 'ready');
  return {
    exports: true,
    log: (i) => logger.info(orderMeta(i), MESSAGE),
    shutdown: async () => {
      // thread-stream unrefs its worker: hold the loop open until the worker has flushed.
      const keepAlive = setTimeout(() => {}, 10_000);
      const closed = once(transport, 'close').catch(() => {});
      transport.end();
      await closed;
      clearTimeout(keepAlive);
    },
  };
};
