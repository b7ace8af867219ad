import { logs } from '@opentelemetry/api';
import { LoggerProvider } from '@opentelemetry/sdk-logs';
import { createRedactingLogRecordProcessor, createRedactor } from '@threadline/redact';
import { WinstonInstrumentation } from '@threadline/winston';
import { MESSAGE, orderMeta } from './scenario-kit.ts';
import type { ScenarioContext, ScenarioInstance } from './scenario-kit.ts';
import type { OtlpProtocol } from './sdk-log-pipeline.ts';
import { createThreadlineLogProcessor } from './threadline-export.ts';
import { createJsonLogger } from './winston-logger.ts';

/** Threadline correlation + export: the instrumentation attaches its OpenTelemetryTransport. */
export async function setupThreadlineOtlp(
  protocol: OtlpProtocol,
  ctx: ScenarioContext,
  options: { redact?: boolean } = {},
): Promise<ScenarioInstance> {
  const { processor, implementation } = await createThreadlineLogProcessor(protocol, ctx.endpoint);
  // As @threadline/node sets it up by default (packages/node/src/start.ts): one redactor for
  // winston's entries (redacted whole before any format runs) and for the redacting log
  // processor, which goes first.
  const redactor = options.redact ? createRedactor() : undefined;
  const processors =
    redactor !== undefined ? [createRedactingLogRecordProcessor(redactor), processor] : [processor];
  const provider = new LoggerProvider({ processors });
  logs.setGlobalLoggerProvider(provider);
  new WinstonInstrumentation(redactor !== undefined ? { redactor } : {});
  const logger = createJsonLogger();
  return {
    exports: true,
    notes: implementation,
    log: (i) => logger.info(MESSAGE, orderMeta(i)),
    shutdown: () => provider.shutdown(),
  };
}
