import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { HealthDetail, HealthReport, PublicHealthReport } from './types.ts';

/** Every {@link HealthDetail}; `'public'` is the default. */
export const HEALTH_DETAILS: readonly HealthDetail[] = Object.freeze(['public', 'full']);

/** Shortest token accepted: a guessable token would make the full report public. */
export const MIN_HEALTH_TOKEN_LENGTH = 16;

/**
 * Decides per request whether the caller gets the full report: always with `detail: 'full'`;
 * with `'public'`, only with `Authorization: Bearer <token>` when a token is configured.
 * Both sides are hashed before comparing, so the comparison takes the same time whatever the
 * length or content of what the caller sent.
 */
export function fullDetailGate(
  detail: HealthDetail,
  token: string | undefined,
): (req: IncomingMessage) => boolean {
  if (detail === 'full') return () => true;
  if (token === undefined) return () => false;
  const expected = digest(token);
  return (req) => {
    const header = req.headers.authorization;
    if (typeof header !== 'string') return false;
    const match = /^bearer[ \t]+(\S+)[ \t]*$/i.exec(header);
    const sent = digest(match === null ? '' : match[1]);
    return timingSafeEqual(sent, expected) && match !== null;
  };
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

/**
 * The report strangers may see: the overall status and each check's status, nothing else (no
 * error text, check types, timings, paths, memory or host figures).
 */
export function publicReport(report: HealthReport): PublicHealthReport {
  const checks: PublicHealthReport['checks'] = {};
  for (const [name, result] of Object.entries(report.checks)) {
    checks[name] = { status: result.status };
  }
  return { status: report.status, checks };
}
