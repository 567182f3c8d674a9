import { describe, expect, it } from 'vitest';
import { KvBlockManager } from '../../../engine/replica/kv-block-manager.js';
import { chainBlocks, PrefixCache, PrefixKeys, type PrefixChain, type PrefixEntry } from '../../../engine/replica/prefix-cache.js';

/** Block size 4 throughout: segment ends in tokens, blocks are floor(end / 4). */
const chainOf = (keys: number[], ends: number[], continuation = -1): PrefixChain => ({ keys: Int32Array.from(keys), ends: Int32Array.from(ends), continuation });

/** A request's life in the cache as the replica drives it: admit (hold the hit), compute the rest, finish. */
function runRequest(cache: PrefixCache, kv: KvBlockManager, chain: PrefixChain, prompt: number, output = 0): { hit: number; held: PrefixEntry[] } {
  const hit = cache.lookup(chain, prompt);
  cache.hold(hit.entries);
  const held = hit.entries.slice();
  const total = Math.ceil((prompt + output) / 4);
  kv.allocate(total - hit.blocks);
  let shared = hit.blocks;
  for (let i = 0; i < chain.keys.length; i++) shared += cache.register(chain, i, Math.floor(prompt / 4), held);
  return { hit: hit.blocks, held: finishWith(cache, kv, chain, held, total, shared, prompt + output) };
}

function finishWith(cache: PrefixCache, kv: KvBlockManager, chain: PrefixChain, held: PrefixEntry[], total: number, shared: number, kvTokens: number): PrefixEntry[] {
  const tail = Math.max(0, Math.min(Math.floor(kvTokens / 4) - chainBlocks(chain, 4), total - shared));
  kv.release(total - shared - tail);
  cache.release(held, chain.continuation, tail);
  return held;
}

describe('prefix cache (vLLM automatic prefix caching, block size 4)', () => {
  it('chains keys: the same id behind a different parent is a different block', () => {
    const keys = new PrefixKeys();
    const a = keys.key(-1, 7);
    const b = keys.key(a, 8);
    expect(keys.key(-1, 7)).toBe(a);
    expect(keys.key(a, 8)).toBe(b);
    expect(keys.key(-1, 8)).not.toBe(b);
    expect(keys.key(keys.key(-1, 9), 8)).not.toBe(b);
  });

  it('caches only full blocks, and a later prompt with the same prefix hits them', () => {
    const kv = new KvBlockManager(100, 0);
    const cache = new PrefixCache(kv, 4);
    // Segment of 10 tokens: 2 full blocks cached, the 3rd (tokens 8-9) is partial and is not.
    const first = runRequest(cache, kv, chainOf([1], [10]), 10);
    expect(first.hit).toBe(0);
    expect(cache.entry(1)!.blocks).toBe(2);
    const second = runRequest(cache, kv, chainOf([1], [10]), 10);
    expect(second.hit).toBe(2);
  });

  it('never serves the last prompt token from the cache: a fully cached prompt recomputes its last block', () => {
    const kv = new KvBlockManager(100, 0);
    const cache = new PrefixCache(kv, 4);
    runRequest(cache, kv, chainOf([1], [8]), 8);
    expect(cache.entry(1)!.blocks).toBe(2);
    // 8 tokens, all cached: the hit stops at floor((8 - 1) / 4) = 1 block.
    expect(cache.lookup(chainOf([1], [8]), 8).blocks).toBe(1);
    // With more prompt after the segment, both blocks hit.
    expect(cache.lookup(chainOf([1], [8]), 12).blocks).toBe(2);
  });

  it('stops at the first segment not cached, even when later ones are', () => {
    const kv = new KvBlockManager(100, 0);
    const cache = new PrefixCache(kv, 4);
    runRequest(cache, kv, chainOf([1, 2], [8, 16]), 20);
    expect(cache.lookup(chainOf([1, 2], [8, 16]), 20).blocks).toBe(4);
    expect(cache.lookup(chainOf([3, 2], [8, 16]), 20).blocks).toBe(0);
    expect(cache.lookup(chainOf([1, 3], [8, 16]), 20).blocks).toBe(2);
  });

  it('evicts least recently freed first, and a request frees its tail before its head', () => {
    const kv = new KvBlockManager(8, 0);
    const cache = new PrefixCache(kv, 4);
    // Request A: segments 1 (2 blocks) then 2 (2 blocks), freed last-first: 2 is older than 1.
    runRequest(cache, kv, chainOf([1, 2], [8, 16]), 17);
    // Request B: segment 3 (2 blocks), freed after A: newest.
    runRequest(cache, kv, chainOf([3], [8]), 9);
    expect(kv.used).toBe(0);
    expect(kv.evictable).toBe(6);
    // 4 new blocks with 2 empty: 2 evicted, from segment 2 (A's tail), its last block first.
    kv.allocate(4);
    expect(cache.entry(2)).toBeUndefined();
    expect(cache.entry(1)!.blocks).toBe(2);
    expect(cache.entry(3)!.blocks).toBe(2);
    // One more: segment 1 loses its last block, keeping its first (a prefix of it stays usable).
    kv.allocate(1);
    expect(cache.entry(1)!.blocks).toBe(1);
    expect(cache.lookup(chainOf([1], [8]), 12).blocks).toBe(1);
    expect(cache.counters.evictedBlocks).toBe(3);
  });

  it('a held entry is never evicted; holding an evictable one takes it out of the free pool', () => {
    const kv = new KvBlockManager(6, 0);
    const cache = new PrefixCache(kv, 4);
    runRequest(cache, kv, chainOf([1], [8]), 9);
    expect(kv.free).toBe(6);
    const hit = cache.lookup(chainOf([1], [8]), 12);
    expect(hit).toMatchObject({ blocks: 2, evictableBlocks: 2 });
    cache.hold(hit.entries);
    expect(kv.used).toBe(2);
    expect(kv.free).toBe(4);
    expect(() => kv.allocate(5)).toThrow();
    kv.allocate(4);
    expect(cache.entry(1)!.blocks).toBe(2);
    cache.release(hit.entries, -1, 0);
    expect(cache.entry(1)!.refs).toBe(0);
    expect(() => cache.release(hit.entries, -1, 0)).toThrow(/released more often/);
  });

  it('a finished turn caches its remainder under its continuation, which the next turn hits', () => {
    const kv = new KvBlockManager(100, 0);
    const cache = new PrefixCache(kv, 4);
    // Turn 1: a 6-token prompt and 6 output tokens, caching itself as key 50: floor(12 / 4) = 3 blocks.
    runRequest(cache, kv, chainOf([], [], 50), 6, 6);
    expect(cache.entry(50)!.blocks).toBe(3);
    // Turn 2: its prompt holds turn 1 (12 tokens) and a new message.
    expect(cache.lookup(chainOf([50], [12], 51), 20).blocks).toBe(3);
  });

  it('two requests computing the same segment: the first caches it, the second keeps its copies private', () => {
    const kv = new KvBlockManager(100, 0);
    const cache = new PrefixCache(kv, 4);
    const chain = chainOf([1], [8]);
    const heldA: PrefixEntry[] = [];
    const heldB: PrefixEntry[] = [];
    kv.allocate(3);
    kv.allocate(3);
    expect(cache.register(chain, 0, 2, heldA)).toBe(2);
    expect(cache.register(chain, 0, 2, heldB)).toBe(0);
    expect(heldB).toEqual([]);
    expect(cache.entry(1)).toMatchObject({ blocks: 2, refs: 1 });
  });
});
