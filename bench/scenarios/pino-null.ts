// P1: pino to a null stream (same span active, no instrumentation).
import type pinoType from 'pino';
import { MESSAGE, nullStream, orderMeta, requireLib } from './scenario-kit.ts';
import type { ScenarioSetup } from './scenario-kit.ts';

export const setup: ScenarioSetup = async () => {
  const pino = requireLib('pino') as typeof pinoType;
  const logger = pino({ level: 'info' }, nullStream());
  return { exports: false, log: (i) => logger.info(orderMeta(i), MESSAGE) };
};
