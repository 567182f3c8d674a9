import { chainBlocks, segmentBlocks, type PrefixChain } from '../replica/prefix-cache.js';

/**
 * The prefix-cache hit rate a sequence of prompts implies on its own, without serving: each
 * request in arrival order looks its chain up as the engine's cache does (whole blocks of cached
 * leading segments, never its last token), then caches its prompt and output and lets go of
 * them at once, in one least-recently-used cache of `capacityBlocks` (Infinity: unbounded, the
 * upper bound the ids allow). No request holds blocks while others arrive, so concurrency's
 * pinning and duplicate computation are absent: it is the reference a replayed run is set
 * against, not a model of one.
 */
export interface ReuseRequest {
  promptTokens: number;
  outputTokens: number;
  prefix: PrefixChain;
}

export function prefixReuse(requests: Iterable<ReuseRequest>, blockSize: number, capacityBlocks: number): { queriedTokens: number; hitTokens: number; hitRate: number } {
  const cached = new Map<number, number>();
  let held = 0;
  let anonymous = -2;
  let queriedTokens = 0;
  let hitTokens = 0;
  const touch = (key: number, blocks: number) => {
    const had = cached.get(key) ?? 0;
    cached.delete(key);
    const now = Math.max(had, blocks);
    cached.set(key, now);
    held += now - had;
  };
  for (const r of requests) {
    const chain = r.prefix;
    const maxBlocks = Math.floor((r.promptTokens - 1) / blockSize);
    let hit = 0;
    for (let i = 0; i < chain.keys.length && hit < maxBlocks; i++) {
      const span = segmentBlocks(chain, i, blockSize);
      const take = Math.min(cached.get(chain.keys[i]!) ?? 0, span, maxBlocks - hit);
      hit += take;
      if (take < span) break;
    }
    queriedTokens += r.promptTokens;
    hitTokens += hit * blockSize;
    // Freed tail first: the remainder is least recent, the first segment most recent.
    const tail = Math.floor((r.promptTokens + r.outputTokens - 1) / blockSize) - chainBlocks(chain, blockSize);
    if (tail > 0) touch(chain.continuation >= 0 ? chain.continuation : anonymous--, tail);
    for (let i = chain.keys.length - 1; i >= 0; i--) {
      const span = segmentBlocks(chain, i, blockSize);
      if (span > 0) touch(chain.keys[i]!, span);
    }
    for (const [key, blocks] of cached) {
      if (held <= capacityBlocks) break;
      const take = Math.min(blocks, held - capacityBlocks);
      held -= take;
      if (take === blocks) cached.delete(key);
      else cached.set(key, blocks - take);
    }
  }
  return { queriedTokens, hitTokens, hitRate: queriedTokens > 0 ? hitTokens / queriedTokens : 0 };
}
