// P2: @opentelemetry/instrumentation-winston, correlation only (log sending disabled).
import { WinstonInstrumentation } from '@opentelemetry/instrumentation-winston';
import { MESSAGE, orderMeta } from './scenario-kit.ts';
import type { ScenarioSetup } from './scenario-kit.ts';
import { createJsonLogger } from './winston-logger.ts';

export const setup: ScenarioSetup = async () => {
  new WinstonInstrumentation({ disableLogSending: true }).enable();
  const logger = createJsonLogger();
  return { exports: false, log: (i) => logger.info(MESSAGE, orderMeta(i)) };
};
