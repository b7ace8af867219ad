// F: the floor for any correlation. Plain winston JSON like W, with three constant fields of
// the size correlation adds (32-hex trace_id, 16-hex span_id, 2-hex trace_flags) in each
// entry's metadata, and no instrumentation. Whatever correlation costs beyond F is the cost of
// finding the span and writing the fields; F − W is the cost of printing them.
import type winstonType from 'winston';
import { MESSAGE, nullStream, orderMeta, requireLib } from './scenario-kit.ts';
import type { ScenarioSetup } from './scenario-kit.ts';

const TRACE_FIELDS = {
  trace_id: '00000000000000000000000000000001',
  span_id: '0000000000000001',
  trace_flags: '01',
};

export const setup: ScenarioSetup = async () => {
  const winston = requireLib('winston') as typeof winstonType;
  const logger = winston.createLogger({
    level: 'info',
    format: winston.format.json(),
    transports: [new winston.transports.Stream({ stream: nullStream() })],
  });
  return {
    exports: false,
    log: (i) => logger.info(MESSAGE, { ...orderMeta(i), ...TRACE_FIELDS }),
  };
};
