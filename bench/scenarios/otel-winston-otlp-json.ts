// P3 (http/json): see otel-winston-otlp.ts.
import type { ScenarioSetup } from './scenario-kit.ts';
import { setupOtelWinstonOtlp } from './otel-winston-otlp.ts';

export const setup: ScenarioSetup = (ctx) => setupOtelWinstonOtlp('http/json', ctx);
