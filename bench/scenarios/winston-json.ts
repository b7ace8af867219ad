// W: the baseline every ratio divides by. Plain winston JSON to a null stream, no
// instrumentation (the child still runs it inside the same active span).
import type winstonType from 'winston';
import { MESSAGE, nullStream, orderMeta, requireLib } from './scenario-kit.ts';
import type { ScenarioSetup } from './scenario-kit.ts';

export const setup: ScenarioSetup = async () => {
  const winston = requireLib('winston') as typeof winstonType;
  const logger = winston.createLogger({
    level: 'info',
    format: winston.format.json(),
    transports: [new winston.transports.Stream({ stream: nullStream() })],
  });
  return { exports: false, log: (i) => logger.info(MESSAGE, orderMeta(i)) };
};
