// Threadline correlation + redaction + OTLP http/protobuf: T1 with redaction exactly as
// @threadline/node sets it up by default (winston entries redacted whole, and the redacting log
// processor first), to show what redaction costs per record.
import type { ScenarioSetup } from './scenario-kit.ts';
import { setupThreadlineOtlp } from './threadline-otlp.ts';

export const setup: ScenarioSetup = (ctx) =>
  setupThreadlineOtlp('http/protobuf', ctx, { redact: true });
