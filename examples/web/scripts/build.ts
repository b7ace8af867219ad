// Builds the page into examples/web/dist: the HTML and CSS as they are, and src/main.ts
// bundled with @threadline/browser (from its TypeScript sources) into one ES module.
// `npm run build -w examples/web`; the browser test runs it too.
import { copyFile, mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
/** Where the gateway serves the page from (its `WEB_ROOT` default). */
export const WEB_DIST = `${ROOT}dist`;

const STATIC_FILES = ['index.html', 'next.html', 'style.css'];

/** Builds the page into `outDir` (default `examples/web/dist`). */
export async function buildWeb(outDir = WEB_DIST): Promise<void> {
  await mkdir(outDir, { recursive: true });
  await build({
    entryPoints: [`${ROOT}src/main.ts`],
    outfile: `${outDir}/app.js`,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    sourcemap: true,
    // Workspace packages resolve to their sources, so nothing needs building first.
    conditions: ['@threadline/source'],
    logLevel: 'warning',
  });
  await Promise.all(
    STATIC_FILES.map((file) => copyFile(`${ROOT}src/${file}`, `${outDir}/${file}`)),
  );
}

if (import.meta.main) {
  await buildWeb();
  console.log(`built ${WEB_DIST}`);
}
