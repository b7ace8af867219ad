// Zero-code entry point: `node --import @threadline/node/register app.js` (ESM or CJS
// apps) or `node --require @threadline/node/register app.js`. Configuration comes from the
// standard OTEL_* environment variables. It has no top-level await, so require() can load it.
import { diag } from '@opentelemetry/api';
import { start } from './start.ts';

try {
  start();
} catch (error) {
  // Invalid options cannot come from env vars alone, but a preload must never stop the app.
  diag.error('@threadline/node: could not start', error);
}
