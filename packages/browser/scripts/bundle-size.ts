// `npm run size -w packages/browser`: prints the bundle cost a page pays for @threadline/browser.
import { GZIP_BUDGET_BYTES, bundleForBrowser } from './bundle.ts';

const bundle = await bundleForBrowser();
const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;
console.log(
  `@threadline/browser: ${kib(bundle.minifiedBytes)} minified, ${kib(bundle.gzipBytes)} gzipped (budget ${kib(GZIP_BUDGET_BYTES)})`,
);
if (bundle.builtinImports.length > 0) {
  console.error(`imports Node built-ins: ${bundle.builtinImports.join(', ')}`);
  process.exitCode = 1;
}
if (bundle.gzipBytes > GZIP_BUDGET_BYTES) {
  console.error('over the gzip budget');
  process.exitCode = 1;
}
