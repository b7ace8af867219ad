/** The part of `@opentelemetry/api`'s `diag` this needs (passed in: no runtime dependency). */
export interface DiagRegistry {
  setLogger(
    logger: {
      error(message: string): void;
      warn(message: string): void;
      info(message: string): void;
      debug(message: string): void;
      verbose(message: string): void;
    },
    options: { logLevel: number; suppressOverrideMessage?: boolean },
  ): boolean;
}

// DiagLogLevel.WARN of @opentelemetry/api.
const WARN = 50;

/**
 * Registers a diag logger on `diag` that keeps each `diag.warn` message (other levels dropped)
 * and returns the array they are pushed to. Undo with `diag.disable()` in `afterEach`.
 */
export function captureDiagWarnings(diag: DiagRegistry): string[] {
  const warnings: string[] = [];
  const ignore = () => {};
  diag.setLogger(
    {
      warn: (message: string) => void warnings.push(message),
      error: ignore,
      info: ignore,
      debug: ignore,
      verbose: ignore,
    },
    { logLevel: WARN, suppressOverrideMessage: true },
  );
  return warnings;
}
