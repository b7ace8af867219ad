const MIN_CAPACITY = 64 * 1024;

/**
 * Spare batch buffers. A sealed batch keeps the buffer it was encoded into, and the writer
 * continues in a spare of the same size instead of the batch being copied out; request bodies
 * are assembled into spares too. Both come back once assembled or settled, so a steady stream
 * of batches allocates no new large buffers (bench/README.md: sealing and assembling went from
 * 0.25–0.4 ms to 0.12–0.17 ms of event loop per 2,048-record batch, together with one copy
 * per run of records in `assemble`).
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
