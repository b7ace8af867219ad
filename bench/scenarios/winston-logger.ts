import type winstonType from 'winston';
import { nullStream, requireLib } from './scenario-kit.ts';

/** The same logger as the W baseline, loaded after the scenario's instrumentation. */
export function createJsonLogger(): winstonType.Logger {
  const winston = requireLib('winston') as typeof winstonType;
  return winston.createLogger({
    level: 'info',
    format: winston.format.json(),
    transports: [new winston.transports.Stream({ stream: nullStream() })],
  });
}
