const MIN_CAPACITY = 64 * 1024;

/**
 * Spare batch buffers, reused so each batch is copied into memory the process already has
 * mapped. A fresh Buffer of a few hundred kilobytes page-faults on first write, once per
 * 4 KiB: on our benchmark machine that made copying a 350 kB batch take 0.2–0.3 ms of the
 * event loop instead of a few tens of microseconds (bench/README.md).
 */
export class BufferPool {
  readonly #spare: Buffer[] = [];
  readonly #maxSpare: number;
  readonly #maxCapacity: number;

  /** Keeps at most `maxSpare` buffers, none larger than `maxCapacity` bytes. */
  constructor(maxSpare: number, maxCapacity: number) {
    this.#maxSpare = maxSpare;
    this.#maxCapacity = maxCapacity;
  }

  /** `size` bytes, uninitialised: a view of a spare buffer when one is large enough. */
  take(size: number): Buffer {
    const spare = this.#spare;
    for (let i = spare.length - 1; i >= 0; i--) {
      if (spare[i].length >= size) {
        const whole = spare[i];
        spare.splice(i, 1);
        return whole.subarray(0, size);
      }
    }
    let capacity = MIN_CAPACITY;
    while (capacity < size) capacity *= 2;
    // Its own ArrayBuffer (not Node's shared 8 KiB pool), so giving it back returns all of it.
    return Buffer.allocUnsafeSlow(capacity).subarray(0, size);
  }

  /** Returns a buffer from {@link take}; the caller must not use it afterwards. */
  give(view: Buffer): void {
    const memory = view.buffer;
    if (view.byteOffset !== 0 || memory.byteLength > this.#maxCapacity) return;
    if (this.#spare.length >= this.#maxSpare) return;
    for (const spare of this.#spare) if (spare.buffer === memory) return;
    this.#spare.push(Buffer.from(memory, 0, memory.byteLength));
  }
}
