// `npm run size -w packages/browser`: prints the bundle cost a page pays for @threadline/browser.
import { resolve } from 'node:path';
import { GZIP_BUDGET_BYTES, bundleForBrowser } from './bundle.ts';

const bundle = await bundleForBrowser();
const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;
console.log(
  `@threadline/browser: ${kib(bundle.minifiedBytes)} minified, ${kib(bundle.gzipBytes)} gzipped (budget ${kib(GZIP_BUDGET_BYTES)})`,
);
// Where the bytes come from, by package and by file (minified, before gzip).
const byPackage = new Map<string, number>();
for (const [input, bytes] of bundle.bytesByInput) {
  const owner = /node_modules\/((?:@[^/]+\/)?[^/]+)\/|packages\/([^/]+)\//.exec(resolve(input));
  const name = owner === null ? input : (owner[1] ?? owner[2]);
  byPackage.set(name, (byPackage.get(name) ?? 0) + bytes);
}
for (const [name, bytes] of byPackage) console.log(`  ${kib(bytes).padStart(9)}  ${name}`);
for (const [input, bytes] of bundle.bytesByInput)
  if (bytes > 0) console.log(`    ${kib(bytes).padStart(9)}  ${input}`);
if (bundle.builtinImports.length > 0) {
  console.error(`imports Node built-ins: ${bundle.builtinImports.join(', ')}`);
  process.exitCode = 1;
}
if (bundle.gzipBytes > GZIP_BUDGET_BYTES) {
  console.error('over the gzip budget');
  process.exitCode = 1;
}
