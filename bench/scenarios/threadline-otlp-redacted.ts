// Threadline correlation + redaction + OTLP http/protobuf: T1 with the redacting processor
// @threadline/node puts first by default, to show what redaction costs per record.
import type { ScenarioSetup } from './scenario-kit.ts';
import { setupThreadlineOtlp } from './threadline-otlp.ts';

export const setup: ScenarioSetup = (ctx) =>
  setupThreadlineOtlp('http/protobuf', ctx, { redact: true });
