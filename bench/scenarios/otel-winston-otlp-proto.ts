// P3 (http/protobuf): see otel-winston-otlp.ts.
import type { ScenarioSetup } from './scenario-kit.ts';
import { setupOtelWinstonOtlp } from './otel-winston-otlp.ts';

export const setup: ScenarioSetup = (ctx) => setupOtelWinstonOtlp('http/protobuf', ctx);
