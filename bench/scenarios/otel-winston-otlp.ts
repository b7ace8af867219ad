import { logs as apiLogs } from '@opentelemetry/api-logs';
import { WinstonInstrumentation } from '@opentelemetry/instrumentation-winston';
import { MESSAGE, orderMeta } from './scenario-kit.ts';
import type { ScenarioInstance, ScenarioContext } from './scenario-kit.ts';
import { createSdkLoggerProvider } from './sdk-log-pipeline.ts';
import type { OtlpProtocol } from './sdk-log-pipeline.ts';
import { createJsonLogger } from './winston-logger.ts';

/**
 * P3: instrumentation-winston + @opentelemetry/winston-transport (which it attaches) +
 * BatchLogRecordProcessor + OTLP exporter, all at default settings. The transport logs
 * through `@opentelemetry/api-logs`, whose global is separate from `@opentelemetry/api`'s.
 */
export async function setupOtelWinstonOtlp(
  protocol: OtlpProtocol,
  ctx: ScenarioContext,
): Promise<ScenarioInstance> {
  const provider = createSdkLoggerProvider(protocol, ctx.endpoint);
  apiLogs.setGlobalLoggerProvider(
    provider as unknown as Parameters<typeof apiLogs.setGlobalLoggerProvider>[0],
  );
  new WinstonInstrumentation({ disableLogSending: false }).enable();
  const logger = createJsonLogger();
  return {
    exports: true,
    log: (i) => logger.info(MESSAGE, orderMeta(i)),
    shutdown: () => provider.shutdown(),
  };
}
