import { createAuditEvents } from './audit-events.ts';
import { createDetector } from './brute-force-detector.ts';
import { resolveBruteForceOptions } from './brute-force-options.ts';
import { createBusinessEvents } from './business-events.ts';
import { EventRecorder } from './event-recorder.ts';
import { resolveEventsOptions } from './resolve-options.ts';
import { createSecurityEvents, recordBruteForce } from './security-events.ts';
import type { EventFields, EventsOptions, ThreadlineEvents } from './types.ts';

/**
 * Creates the security, audit and business event helpers. Invalid options throw a
 * `TypeError` here; recording never throws.
 */
export function createEvents(options?: EventsOptions): ThreadlineEvents {
  const resolved = resolveEventsOptions(options);
  const recorder = new EventRecorder(resolved);
  const detector =
    resolved.bruteForce === undefined
      ? undefined
      : createDetector(resolveBruteForceOptions(resolved.bruteForce), (detection, trigger) =>
          recordBruteForce(recorder, detection, trigger as EventFields | undefined, true),
        );
  return {
    security: createSecurityEvents(recorder, detector),
    audit: createAuditEvents(recorder, resolved.maxChangesLength),
    business: createBusinessEvents(recorder),
    bruteForce: detector,
    redactor: resolved.redactor,
    get failureCount(): number {
      return recorder.failureCount;
    },
  };
}
