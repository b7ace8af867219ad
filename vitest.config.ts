import { readdirSync, existsSync } from 'node:fs';
import { defineConfig } from 'vitest/config';
import { SECURITY_TEST_GLOB } from './vitest.security.config.ts';

// Workspace packages export `./src/*.ts` under the `@threadline/source` condition, so tests
// (and the child processes they spawn, which inherit NODE_OPTIONS) run the sources directly
// on Node 24's type stripping, with no build step.
const SOURCE_CONDITION = '@threadline/source';
const conditionFlag = `--conditions=${SOURCE_CONDITION}`;
if (!(process.env.NODE_OPTIONS ?? '').includes(conditionFlag)) {
  process.env.NODE_OPTIONS = `${process.env.NODE_OPTIONS ?? ''} ${conditionFlag}`.trim();
}

const projectDirs = ['packages', 'examples'].flatMap((root) =>
  existsSync(root)
    ? readdirSync(root, { withFileTypes: true })
        .filter((d) => d.isDirectory() && existsSync(`${root}/${d.name}/test`))
        .map((d) => `${root}/${d.name}`)
    : [],
);

// Checks of the deployment stack (promtool, docker-compose, Grafana provisioning) and of
// otel-collector.yaml against the real collector binary.
const extraProjects = [
  { name: 'deploy', include: ['deploy/test/**/*.test.ts'] },
  { name: 'collector', include: ['collector/test/**/*.test.ts'] },
];

export default defineConfig({
  resolve: { conditions: [SOURCE_CONDITION] },
  ssr: { resolve: { conditions: [SOURCE_CONDITION] } },
  test: {
    projects: [
      ...projectDirs.map((dir) => ({
        name: dir.split('/')[1],
        include: [`${dir}/test/**/*.test.ts`],
      })),
      ...extraProjects,
    ].map((test) => ({
      extends: true,
      // Attack tests run in `npm run test:security` (vitest.security.config.ts).
      test: { ...test, exclude: [SECURITY_TEST_GLOB], testTimeout: 30_000, hookTimeout: 60_000 },
    })),
  },
});
