// The security suite (`npm run test:security`): attacks against every door Threadline opens
// (the collector's receivers, /health, the error handler, the brute-force detector, the
// exporter against a hostile receiver). Files named `*.security.test.ts` anywhere beside a
// package's tests; the root config leaves them out so that `npm test` does not run them twice.
// See docs/security.md for the threat model and which test proves which defence.
import { defineConfig } from 'vitest/config';

const SOURCE_CONDITION = '@threadline/source';
const conditionFlag = `--conditions=${SOURCE_CONDITION}`;
if (!(process.env.NODE_OPTIONS ?? '').includes(conditionFlag)) {
  process.env.NODE_OPTIONS = `${process.env.NODE_OPTIONS ?? ''} ${conditionFlag}`.trim();
}

export const SECURITY_TEST_GLOB = '**/test/**/*.security.test.ts';

export default defineConfig({
  resolve: { conditions: [SOURCE_CONDITION] },
  ssr: { resolve: { conditions: [SOURCE_CONDITION] } },
  test: {
    name: 'security',
    include: [
      `{packages,examples}/*/${SECURITY_TEST_GLOB}`,
      `{collector,deploy}/${SECURITY_TEST_GLOB}`,
    ],
    exclude: ['**/node_modules/**'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
