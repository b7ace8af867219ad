// The reliability suite (`npm run test:reliability`): real service processes against a
// misbehaving OTLP receiver and the real collector. See docs/reliability.md.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// As in the root config: workspace packages resolve to their TypeScript sources, and the
// service processes the scenarios start inherit the condition through NODE_OPTIONS.
const SOURCE_CONDITION = '@threadline/source';
const conditionFlag = `--conditions=${SOURCE_CONDITION}`;
if (!(process.env.NODE_OPTIONS ?? '').includes(conditionFlag)) {
  process.env.NODE_OPTIONS = `${process.env.NODE_OPTIONS ?? ''} ${conditionFlag}`.trim();
}

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  resolve: { conditions: [SOURCE_CONDITION, 'node', 'import', 'default'] },
  ssr: { resolve: { conditions: [SOURCE_CONDITION, 'node', 'import', 'default'] } },
  test: {
    name: 'reliability',
    include: ['scenarios/**/*.test.ts'],
    globalSetup: ['./support/global-setup.ts'],
    // One scenario at a time: each measures timing and memory on a 2-core machine.
    fileParallelism: false,
    testTimeout: 180_000,
    hookTimeout: 60_000,
  },
});
