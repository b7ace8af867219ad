import { diag, DiagLogLevel } from '@opentelemetry/api';
import type { DiagLogger } from '@opentelemetry/api';

/**
 * Installs a diag logger that keeps every `diag.warn` message in the returned array (other
 * levels dropped); the caller's `afterEach` undoes it with `diag.disable()`.
 */
export function capturedWarnings(): string[] {
  const warnings: string[] = [];
  diag.setLogger(
    {
      warn: (message: string) => warnings.push(message),
      error() {},
      info() {},
      debug() {},
      verbose() {},
    } as DiagLogger,
    DiagLogLevel.WARN,
  );
  return warnings;
}
