// What a redactor remembers between calls (clean texts, key decisions, keys without a rule word)
// must not keep alive the larger texts those strings were cut from: V8 makes a slice of 13
// characters or more a view into its parent. Measured in a child process with `--expose-gc`,
// so a collection can be forced before the heap is read.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));

// 100 distinct MiB texts; from each, the redactor sees a clean 400-character slice, a clean
// 40-character slice and a 2,000-character slice whose `name=value` pairs put names read from
// the text into its memories. Then the texts are dropped.
const SCRIPT = `
import { createRedactor } from '@threadline/redact';
const redactor = createRedactor();
const MiB = 1024 * 1024;
const heap = () => { globalThis.gc(); globalThis.gc(); return process.memoryUsage().heapUsed; };
const before = heap();
for (let i = 0; i < 100; i++) {
  const text = ('run ' + i + ' ').padEnd(MiB, 'orderReference_' + i + '=ok retries_attempted_' + i + ': 3 ');
  redactor.redactString(text.slice(100, 500));
  redactor.redactString(text.slice(600, 640));
  redactor.redactString(text.slice(1000, 3000));
  redactor.redactValue({ note: text.slice(4000, 4200) });
}
console.log(JSON.stringify({ grewMiB: (heap() - before) / MiB }));
`;

describe('memory a redactor keeps between calls', () => {
  it('keeps no text alive that the strings it remembers were cut from', () => {
    const child = spawnSync(
      process.execPath,
      ['--expose-gc', '--conditions=@threadline/source', '--input-type=module', '-e', SCRIPT],
      { cwd: ROOT, encoding: 'utf8', timeout: 60_000 },
    );
    expect(child.stderr).toBe('');
    const { grewMiB } = JSON.parse(child.stdout) as { grewMiB: number };
    // 100 MiB of texts went through; what stays is the remembered strings themselves.
    expect(grewMiB).toBeLessThan(10);
  });
});
