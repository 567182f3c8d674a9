/**
 * Paged KV-cache blocks of one replica, as counters: block identities live only in the prefix
 * cache (prefix-cache.ts), for the blocks it caches. It refuses to go negative or above capacity
 * (a bug, not a state).
 *
 * With prefix caching, cached blocks no request holds are `evictable`: still in memory, yet free
 * for allocation (vLLM keeps them in its free block queue), so `free` counts them and allocating
 * past the truly empty blocks evicts them through `evictor`.
 */
export class KvBlockManager {
  private usedBlocks = 0;
  /** Cached blocks no running request holds (part of `free`). */
  evictable = 0;
  /** Frees that many evictable blocks (the prefix cache's LRU); null without prefix caching. */
  evictor: ((blocks: number) => void) | null = null;
  /** Most blocks ever in use at once. */
  peak = 0;
  /** Blocks kept free when admitting new requests, so running ones can still grow (vLLM: 1%). */
  readonly watermarkBlocks: number;

  constructor(
    readonly capacity: number,
    watermarkFraction = 0.01,
  ) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new Error(`KV capacity must be a positive integer, got ${capacity}`);
    this.watermarkBlocks = Math.floor(capacity * watermarkFraction);
  }

  /** Every block free again: the engine that held them is gone (a failure). */
  releaseAll(): void {
    this.usedBlocks = 0;
    this.evictable = 0;
  }

  get used(): number {
    return this.usedBlocks;
  }

  get free(): number {
    return this.capacity - this.usedBlocks;
  }

  /** Whether a new request may take `blocks` and still leave the watermark free. */
  canAdmit(blocks: number): boolean {
    return this.free - blocks >= this.watermarkBlocks;
  }

  allocate(blocks: number): void {
    if (blocks < 0 || this.usedBlocks + blocks > this.capacity) {
      throw new Error(`KV allocate(${blocks}) with ${this.free} of ${this.capacity} blocks free`);
    }
    const short = this.usedBlocks + this.evictable + blocks - this.capacity;
    if (short > 0) this.evictor!(short);
    this.usedBlocks += blocks;
    if (this.usedBlocks > this.peak) this.peak = this.usedBlocks;
  }

  release(blocks: number): void {
    if (blocks < 0 || blocks > this.usedBlocks) {
      throw new Error(`KV release(${blocks}) with only ${this.usedBlocks} blocks in use`);
    }
    this.usedBlocks -= blocks;
  }
}

/** Blocks needed to hold `tokens` tokens. */
export function blocksFor(tokens: number, blockSize: number): number {
  return Math.ceil(tokens / blockSize);
}
