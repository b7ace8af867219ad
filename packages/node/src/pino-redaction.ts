import { PinoInstrumentation } from '@threadline/pino';
import type { PinoInstrumentationOptions } from '@threadline/pino';

/** Options of {@link PinoRedactionInstrumentation}. */
export type PinoRedactionConfig = Pick<PinoInstrumentationOptions, 'enabled' | 'redactor'>;

/**
 * Redaction of pino's output alone, without sending records or writing trace fields. The
 * redaction itself moved to `@threadline/pino` (which `@threadline/node` loads as its pino
 * bridge, with the redactor); this keeps the redaction-only shape for tests and for apps that
 * send pino records another way.
 */
export class PinoRedactionInstrumentation extends PinoInstrumentation {
  constructor(config: PinoRedactionConfig = {}) {
    super({ ...config, disableLogSending: true, disableLogCorrelation: true });
  }
}
