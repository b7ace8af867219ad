// Threadline correlation + OTLP http/json: see threadline-otlp.ts and threadline-export.ts.
import type { ScenarioSetup } from './scenario-kit.ts';
import { setupThreadlineOtlp } from './threadline-otlp.ts';

export const setup: ScenarioSetup = (ctx) => setupThreadlineOtlp('http/json', ctx);
