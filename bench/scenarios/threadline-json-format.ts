// TJ: W with only Threadline's format.json() fast path: WinstonInstrumentation with correlation
// and log sending both off. Same lines as W; shows what the faster JSON format alone saves, so
// the T0/T1/T2 ratios can be read apart from it.
import { WinstonInstrumentation } from '@threadline/winston';
import { MESSAGE, orderMeta } from './scenario-kit.ts';
import type { ScenarioSetup } from './scenario-kit.ts';
import { createJsonLogger } from './winston-logger.ts';

export const setup: ScenarioSetup = async () => {
  new WinstonInstrumentation({ disableLogSending: true, disableCorrelation: true });
  const logger = createJsonLogger();
  return { exports: false, log: (i) => logger.info(MESSAGE, orderMeta(i)) };
};
