// Threadline, correlation only: @threadline/winston's WinstonInstrumentation with log sending
// disabled (trace_id/span_id/trace_flags added to each entry, no transport attached).
import { WinstonInstrumentation } from '@threadline/winston';
import { MESSAGE, orderMeta } from './scenario-kit.ts';
import type { ScenarioSetup } from './scenario-kit.ts';
import { createJsonLogger } from './winston-logger.ts';

export const setup: ScenarioSetup = async () => {
  new WinstonInstrumentation({ disableLogSending: true });
  const logger = createJsonLogger();
  return { exports: false, log: (i) => logger.info(MESSAGE, orderMeta(i)) };
};
