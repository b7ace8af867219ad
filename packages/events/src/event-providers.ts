import { createNoopMeter, logs, metrics } from '@opentelemetry/api';
import type { Counter, Logger, LoggerProvider, MeterProvider } from '@opentelemetry/api';
import { METRIC_THREADLINE_EVENTS } from './names.ts';
import { SCOPE_NAME, VERSION } from './version.ts';

/** The API's shared no-op counter: counting is a no-op exactly when this is the counter. */
export const NOOP_COUNTER: Counter = createNoopMeter().createCounter(METRIC_THREADLINE_EVENTS);

/**
 * The events' logger and counter, from the configured providers or the global ones. Looked up
 * at each event (a pointer comparison when unchanged), so events created before the SDK
 * starts still reach it.
 */
export class EventProviders {
  readonly #loggerProvider: LoggerProvider | undefined;
  readonly #meterProvider: MeterProvider | undefined;
  #lastLoggerProvider: LoggerProvider | undefined;
  #logger: Logger | undefined;
  #lastMeterProvider: MeterProvider | undefined;
  #counter: Counter = NOOP_COUNTER;

  constructor(
    loggerProvider: LoggerProvider | undefined,
    meterProvider: MeterProvider | undefined,
  ) {
    this.#loggerProvider = loggerProvider;
    this.#meterProvider = meterProvider;
  }

  /** The events logger of the current provider. */
  logger(): Logger {
    const provider = this.#loggerProvider ?? logs.getLoggerProvider();
    if (provider !== this.#lastLoggerProvider || this.#logger === undefined) {
      this.#logger = provider.getLogger(SCOPE_NAME, VERSION);
      this.#lastLoggerProvider = provider;
    }
    return this.#logger;
  }

  /** The events counter of the current provider ({@link NOOP_COUNTER} when none is set). */
  counter(): Counter {
    const provider = this.#meterProvider ?? metrics.getMeterProvider();
    if (provider !== this.#lastMeterProvider) {
      this.#counter = provider
        .getMeter(SCOPE_NAME, VERSION)
        .createCounter(METRIC_THREADLINE_EVENTS, {
          unit: '{event}',
          description:
            'Security, audit and business events recorded, by name, category and outcome.',
        });
      this.#lastMeterProvider = provider;
    }
    return this.#counter;
  }
}
