// `npm run size -w packages/browser`: prints the bundle cost a page pays for @threadline/browser.
import { resolve } from 'node:path';
import { brotliCompressSync, constants as zlibConstants } from 'node:zlib';
import { GZIP_BUDGET_BYTES, bundleForBrowser } from './bundle.ts';

const bundle = await bundleForBrowser();
const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;
// Brotli for comparison: what most CDNs serve; the budget is on gzip, which every server has.
const brotliBytes = brotliCompressSync(bundle.code, {
  params: { [zlibConstants.BROTLI_PARAM_QUALITY]: 11 },
}).length;
console.log(
  `@threadline/browser: ${kib(bundle.minifiedBytes)} minified, ${kib(bundle.gzipBytes)} gzipped (budget ${kib(GZIP_BUDGET_BYTES)}), ${kib(brotliBytes)} brotli`,
);
// Where the bytes come from, by package and by file: what each costs gzipped (the bundle
// with and without its code), and its minified size.
const minified = new Map(bundle.bytesByInput);
const byPackage = new Map<string, [gzip: number, minified: number]>();
for (const [input, cost] of bundle.gzipCostByInput) {
  const owner = /node_modules\/((?:@[^/]+\/)?[^/]+)\/|packages\/([^/]+)\//.exec(resolve(input));
  const name = owner === null ? input : (owner[1] ?? owner[2]);
  const [gzip, bytes] = byPackage.get(name) ?? [0, 0];
  byPackage.set(name, [gzip + cost, bytes + (minified.get(input) ?? 0)]);
}
console.log('   gzipped  minified');
for (const [name, [gzip, bytes]] of byPackage)
  console.log(`  ${kib(gzip).padStart(8)}  ${kib(bytes).padStart(8)}  ${name}`);
for (const [input, cost] of bundle.gzipCostByInput)
  console.log(
    `    ${kib(cost).padStart(8)}  ${kib(minified.get(input) ?? 0).padStart(8)}  ${input}`,
  );
if (bundle.builtinImports.length > 0) {
  console.error(`imports Node built-ins: ${bundle.builtinImports.join(', ')}`);
  process.exitCode = 1;
}
if (bundle.gzipBytes > GZIP_BUDGET_BYTES) {
  console.error('over the gzip budget');
  process.exitCode = 1;
}
