import { Writable } from 'node:stream';

/** A writable that keeps what winston's Stream transport writes to it, one entry per line. */
export class LineCollector extends Writable {
  readonly lines: string[] = [];

  override _write(chunk: Buffer | string, _encoding: BufferEncoding, callback: () => void): void {
    this.lines.push(
      ...String(chunk)
        .split('\n')
        .filter((line) => line !== ''),
    );
    callback();
  }

  json(): Record<string, unknown>[] {
    return this.lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  }
}
